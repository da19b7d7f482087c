/* power: see power.h. */
#include "init/power.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"

#define MAX_BUTTONS 4

static struct watch buttons[MAX_BUTTONS];
static void (*press_cb)(void);

static void button_readable(struct watch *w, uint32_t events)
{
	struct input_event ev[8];
	ssize_t n;

	(void)events;
	while ((n = read(w->fd, ev, sizeof(ev))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER &&
			    ev[i].value == 1)
				press_cb();
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		log_sys("read power button");
		loop_del(w);
		close(w->fd);
	}
}

int power_watch_button(void (*on_press)(void))
{
	DIR *d = opendir("/dev/input");
	struct dirent *de;
	int found = 0;

	press_cb = on_press;
	if (!d) {
		log_sys("open /dev/input (no power button)");
		return 0;
	}
	while ((de = readdir(d)) && found < MAX_BUTTONS) {
		unsigned long keys[KEY_MAX / (8 * sizeof(long)) + 1];
		char path[300];
		int fd;

		if (strncmp(de->d_name, "event", 5))
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			log_sys("open %s", path);
			continue;
		}
		memset(keys, 0, sizeof(keys));
		if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys) < 0 ||
		    !(keys[KEY_POWER / (8 * sizeof(long))] &
		      (1UL << (KEY_POWER % (8 * sizeof(long)))))) {
			close(fd);
			continue;
		}
		buttons[found].fd = fd;
		buttons[found].cb = button_readable;
		if (loop_add(&buttons[found], EPOLLIN) < 0) {
			close(fd);
			continue;
		}
		found++;
	}
	closedir(d);
	return found;
}
