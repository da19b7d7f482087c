/* power: the ACPI power button. The kernel's ACPI button driver reports it
 * as KEY_POWER on an evdev device; hostd watches every input device that
 * can send that key and calls back on a press. */
#ifndef HOSTD_POWER_H
#define HOSTD_POWER_H

/* Returns the number of power-button devices watched. */
int power_watch_button(void (*on_press)(void));

#endif
