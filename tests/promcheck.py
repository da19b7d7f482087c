#!/usr/bin/env python3
"""Check Prometheus text (exposition format 0.0.4) and read values from it.

usage: promcheck.py FILE [SERIES...]
Reads FILE ("-" for stdin), fails (status 1, one line naming the line
number) on anything the format does not allow: a sample whose name was not
declared by # TYPE before it, a malformed name, label set or value, a
family declared twice, a series given twice. Then prints the value of each
SERIES asked for (e.g. 'hostd_container_restarts_total{name="db"}'), one
per line, or fails naming the one that is missing. With no SERIES, prints
the number of samples."""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r'^(%s)(\{(?:%s(?:,%s)*)?\})? (\S+)(?: (-?\d+))?$' % (NAME, LABEL, LABEL))
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def fail(msg):
    print('promcheck: ' + msg)
    sys.exit(1)


def parse(text):
    types, series = {}, {}
    for no, line in enumerate(text.split('\n'), 1):
        if not line:
            continue
        if line.startswith('#'):
            f = line.split(None, 3)
            if len(f) >= 3 and f[1] == 'TYPE':
                if not re.fullmatch(NAME, f[2]) or len(f) != 4 or f[3] not in TYPES:
                    fail('line %d: bad TYPE line: %s' % (no, line))
                if f[2] in types:
                    fail('line %d: %s declared twice' % (no, f[2]))
                types[f[2]] = f[3]
            elif len(f) >= 3 and f[1] == 'HELP' and not re.fullmatch(NAME, f[2]):
                fail('line %d: bad HELP line: %s' % (no, line))
            continue
        m = SAMPLE.match(line)
        if not m:
            fail('line %d: not a sample: %s' % (no, line))
        name, labels, value = m.group(1), m.group(2) or '', m.group(3)
        if name not in types:
            fail('line %d: %s has no # TYPE before it' % (no, name))
        try:
            float(value)
        except ValueError:
            fail('line %d: value %r is not a number' % (no, value))
        key = name + labels
        if key in series:
            fail('line %d: %s given twice' % (no, key))
        series[key] = value
    if not series:
        fail('no samples at all')
    return series


def main():
    if len(sys.argv) < 2:
        fail('usage: promcheck.py FILE [SERIES...]')
    text = sys.stdin.read() if sys.argv[1] == '-' else open(sys.argv[1]).read()
    series = parse(text)
    if len(sys.argv) == 2:
        print(len(series))
    for want in sys.argv[2:]:
        if want not in series:
            fail('no series %s' % want)
        print(series[want])


main()
