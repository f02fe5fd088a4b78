// SPDX-License-Identifier: GPL-2.0
/*
 * access.ko - deliberately broken module whose memory faults exercise the
 * faulting-access explanation: a NULL member of a nested struct, NULL
 * function pointers called through struct members, a use-after-free read
 * through SLUB poison (boot with slub_debug=P), an inlined array index in a
 * loop reaching a vmalloc guard page, and a crash inside a vmlinux function
 * (mutex_lock on a member of a NULL struct).
 *
 * Trigger: echo <name> > /proc/access
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mutex.h>

/* Pointers and counts are read through volatiles so that the compiler cannot
 * see the NULLs and fold the faulting accesses away. */
static volatile int acc_sink;

/* Not inlined and not specialised (no .isra/.constprop clones): each faulting
 * function receives its pointer as a real kernel function called from another
 * file would. */
#define acc_noipa noinline __attribute__((__noipa__))

/* ---------- a NULL member of a nested struct: adapter->hw.mac.type ---------- */
struct acc_mac {
	u32 id;
	u32 flags;
	u32 type;
};

struct acc_phy {
	u64 addr;
	u16 speed;
};

struct acc_hw {
	void *regs;
	struct acc_phy phy;
	struct acc_mac mac;
};

struct acc_adapter {
	char name[16];
	int count;
	struct acc_hw hw;
};

static struct acc_adapter *volatile acc_no_adapter;

static inline u32 acc_mac_type(const struct acc_adapter *adapter)
{
	return adapter->hw.mac.type;
}

static acc_noipa void acc_watchdog(struct acc_adapter *adapter)
{
	pr_info("access: watchdog\n");
	acc_sink = acc_mac_type(adapter);
}

/* ---------- a NULL function pointer called through a member: ops->fn() ---------- */
struct acc_ops {
	int (*open)(int flags);
	int (*read)(char *buf, int len);
	int (*release)(void);
};

static int acc_open(int flags)
{
	return flags;
}

static const struct acc_ops acc_half_ops = { .open = acc_open };
static const struct acc_ops *volatile acc_ops_ptr = &acc_half_ops;

static acc_noipa int acc_call_release(const struct acc_ops *ops)
{
	int ret = ops->release();

	pr_info("access: release %d\n", ret);	/* no tail call */
	return ret;
}

/* ---------- two members deep: file->f_op->read(), the pointer loaded twice ---------- */
struct acc_file {
	unsigned int f_flags;
	const struct acc_ops *f_op;
	void *private_data;
};

static acc_noipa int acc_vfs_read(struct acc_file *file, char *buf, int len)
{
	int ret = file->f_op->read(buf, len);

	pr_info("access: read %d\n", ret);	/* no tail call */
	return ret;
}

/* ---------- use after free through SLUB poison: node->next->val ---------- */
struct acc_node {
	struct acc_node *next;
	long val;
	long pad[2];
};

static acc_noipa long acc_next_val(const struct acc_node *node)
{
	return node->next->val;
}

static acc_noipa void acc_uaf(void)
{
	struct acc_node *node = kzalloc(sizeof(*node), GFP_KERNEL);

	if (!node)
		return;
	node->next = node;
	kfree(node);
	acc_sink = acc_next_val(node);
}

/* ---------- an inlined array index in a loop: r->slots[r->order[i]].val ---------- */
struct acc_slot {
	u32 key;
	u32 val;
};

struct acc_ring {
	u32 n;
	u8 order[8];
	struct acc_slot slots[8];
};

static inline u32 acc_slot_val(const struct acc_ring *r, unsigned int i)
{
	return r->slots[i].val;
}

static acc_noipa u32 acc_ring_sum(const struct acc_ring *r)
{
	u32 sum = 0;
	unsigned int i;

	for (i = 0; i < r->n; i++)
		sum += acc_slot_val(r, r->order[i]);
	return sum;
}

static acc_noipa void acc_ring(void)
{
	char *page = vmalloc(PAGE_SIZE);
	struct acc_ring *r;

	if (!page)
		return;
	/* slots[5] starts on the guard page after the one-page vmalloc area. */
	r = (struct acc_ring *)(page + PAGE_SIZE - offsetof(struct acc_ring, slots[5]));
	r->n = 3;
	r->order[0] = 2;
	r->order[1] = 0;
	r->order[2] = 5;
	acc_sink = acc_ring_sum(r);
	vfree(page);
}

/* ---------- inside a vmlinux function: mutex_lock(&dev->lock), dev NULL ---------- */
struct acc_dev {
	char name[32];
	unsigned long flags;
	struct mutex lock;
	int users;
};

static struct acc_dev *volatile acc_no_dev;

static acc_noipa void acc_dev_open(struct acc_dev *dev)
{
	mutex_lock(&dev->lock);
	dev->users++;
	mutex_unlock(&dev->lock);
}

static int acc_dispatch(const char *cmd)
{
	if (!strcmp(cmd, "nested_null")) {
		acc_watchdog(acc_no_adapter);
	} else if (!strcmp(cmd, "ops_null")) {
		acc_sink = acc_call_release(acc_ops_ptr);
	} else if (!strcmp(cmd, "fop_null")) {
		struct acc_file f = { .f_op = acc_ops_ptr };
		char buf[8];

		acc_sink = acc_vfs_read(&f, buf, sizeof(buf));
	} else if (!strcmp(cmd, "uaf_poison")) {
		acc_uaf();
	} else if (!strcmp(cmd, "array_loop")) {
		acc_ring();
	} else if (!strcmp(cmd, "mutex_null")) {
		acc_dev_open(acc_no_dev);
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t acc_proc_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *off)
{
	char buf[32];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	ret = acc_dispatch(strim(buf));
	return ret ? ret : len;
}

static const struct proc_ops acc_proc_ops = {
	.proc_write = acc_proc_write,
};

static int __init acc_init(void)
{
	if (!proc_create("access", 0200, NULL, &acc_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit acc_exit(void)
{
	remove_proc_entry("access", NULL);
}

module_init(acc_init);
module_exit(acc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Memory faults whose faulting access is a C expression");
