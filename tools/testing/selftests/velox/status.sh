# SPDX-License-Identifier: GPL-2.0
# Sourced by the shell selftests: reading "velox-ctl status --json" without
# a JSON tool (the guest has none).  Keys are the status object's own,
# which come before its "lanes" array.

# jnum JSON KEY: the number under KEY.
jnum() {
	echo "$1" | sed -n "s/^[^[]*\"$2\":\([0-9]*\).*/\1/p"
}

# jstr JSON KEY: the string under KEY.
jstr() {
	echo "$1" | sed -n "s/^[^[]*\"$2\":\"\([^\"]*\)\".*/\1/p"
}

# wait_state STATE: up to 30 s (a debug kernel under TCG is slow).
wait_state() {
	i=0
	while [ $i -lt 300 ]; do
		velox-ctl status --json | grep -q "\"state\":\"$1\"" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
