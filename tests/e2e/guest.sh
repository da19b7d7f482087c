# Sourced by the QEMU tests after tests/lib.sh, with $top, $out and $work
# set: one VM driven by qemu/vm.sh, our kernel booted directly
# (BOOT=kernel) with a blank data disk of its own in $work (guest_init
# SIZE), its console log in $con, the forwarded ports free ones of this
# machine (FTP's passive ports only where the caller exports FTP_PASV=yes).
# vm and on_vm drive it; on exit it is stopped, and $guest_exit (if set)
# is run too.
guest_init() {
	export BOOT=kernel OUT="$out" VM_STATE="$work" DATA_IMG="$work/data.img"
	export HTTPS_FWD="$(free_port)" SSH_PORT="$(free_port)" FTP_FWD="$(free_port)"
	export FTP_PASV="${FTP_PASV:-no}"
	truncate -s "$1" "$DATA_IMG"
	con=$work/console.log
	trap guest_cleanup EXIT
}
vm() { "$top/qemu/vm.sh" "$@"; }
on_vm() { "$top/qemu/vm.sh" ssh "$@"; }
guest_cleanup() {
	"$top/qemu/vm.sh" status >/dev/null 2>&1 && "$top/qemu/vm.sh" monitor quit 2>/dev/null
	[ -n "${guest_exit:-}" ] && eval "$guest_exit"
	return 0
}
