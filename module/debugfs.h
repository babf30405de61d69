/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_DEBUGFS_H
#define VELOX_DEBUGFS_H

void velox_debugfs_init(void);
void velox_debugfs_exit(void);

#endif /* VELOX_DEBUGFS_H */
