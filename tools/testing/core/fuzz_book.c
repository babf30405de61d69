// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any sequence of order-book operations, including
 * out-of-band prices, zero quantities and unknown kinds, must keep the
 * book's invariants after every step: no level holds both sides, no ask
 * below the ask hint and no bid at or above the bid hint, and quantity
 * conserved exactly.  Any violation aborts, which libFuzzer reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "orderbook.h"
#include "sink.h"
#include "txn.h"

#define BASE 100
#define NLEVELS 32

static void check(const struct velox_book *book,
		  const struct velox_counters *st)
{
	u32 i;

	if (!velox_book_conserved(book, st))
		abort();
	for (i = 0; i < NLEVELS; i++) {
		u32 bid = velox_book_bid_qty(book, BASE + i);
		u32 ask = velox_book_ask_qty(book, BASE + i);

		if ((bid && ask) ||
		    (ask && (i < book->asks_from || i >= book->asks_to)) ||
		    (bid && (i < book->bids_from || i >= book->bids_below)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u64 levels[NLEVELS];
	struct velox_counters st = { 0 };
	struct velox_book book;
	size_t off;

	velox_book_init(&book, levels, NLEVELS, BASE, 4);
	/* Four bytes an operation: kind+side, price, quantity (16 bits). */
	for (off = 0; off + 4 <= size; off += 4) {
		struct velox_txn t = {
			.kind = data[off] & 3,
			.side = (data[off] >> 2) & 1,
			.price = BASE - 4 + data[off + 1] % (NLEVELS + 8),
			.qty = data[off + 2] | (u32)data[off + 3] << 8,
		};

		/* Now and then an invalid side, beyond what kind & 3 gives. */
		if (data[off] >> 7)
			t.side = data[off] >> 3;
		velox_book_apply(&book, &t, &st);
		check(&book, &st);
	}
	return 0;
}
