"""What the bench scripts share: the checkout's paths, stack/.env's values
and a free port on this machine. Imported by bench/boot and bench/http."""
import os
import socket
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "out")


def config(key):
    """One KEY of stack/.env (scripts/config.sh: made from the example if
    missing)."""
    return subprocess.run([os.path.join(TOP, "scripts", "config.sh"), key],
                          capture_output=True, text=True, check=True).stdout.strip()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
