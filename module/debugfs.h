/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_DEBUGFS_H
#define VELOX_DEBUGFS_H

struct velox_engine;

void velox_debugfs_init(struct velox_engine *e);
void velox_debugfs_exit(void);

#endif /* VELOX_DEBUGFS_H */
