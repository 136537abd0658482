#!/usr/bin/env python3
"""Runs the README's "A 30-second tour" as printed and checks that it prints what it shows.

Usage: readme_tour.py README TALLY

The tour is the first ``` block after the "## A 30-second tour" heading. A line that starts
with "$ " is a command; it goes on over the next lines while a double quote is open or a
line ends in '|' or a backslash, or up to the delimiter of its here-document. The lines
after a command, up to the next blank or "$ " line, are what it must print (stdout and
stderr together, in order). The commands run in bash, one by one, in a new directory where
build/tally is TALLY, so the tour starts from nothing as on a new clone. Only what differs
from run to run is compared through a pattern (VARIABLE); everything else, byte counts
included, must match exactly: the README shows what the code at its commit prints.
"""
import os
import re
import subprocess
import sys
import tempfile

HEADING = "## A 30-second tour"
# (pattern, replacement) applied to both sides before comparing.
VARIABLE = [(re.compile(r" in \d+\.\d\d s \(generation included\)$"), " in <seconds> s (generation included)")]


def tour_steps(readme_text):
    """The tour's (line number, command, expected output lines), in order."""
    lines = readme_text.splitlines()
    try:
        start = lines.index(HEADING)
        begin = next(i for i in range(start, len(lines)) if lines[i].startswith("```")) + 1
        end = next(i for i in range(begin, len(lines)) if lines[i].startswith("```"))
    except (ValueError, StopIteration):
        sys.exit(f"FAIL: no ``` block after '{HEADING}' in the README")
    steps = []
    i = begin
    while i < end:
        if lines[i].strip() == "":
            i += 1
            continue
        if not lines[i].startswith("$ "):
            sys.exit(f"FAIL: README line {i + 1}: output with no command before it: {lines[i]!r}")
        number = i + 1
        command = [lines[i][2:]]
        i += 1
        heredoc = re.search(r"<<-?\s*'?(\w+)'?", command[0])
        if heredoc:
            while i < end and lines[i] != heredoc.group(1):
                command.append(lines[i])
                i += 1
            command.append(lines[i] if i < end else "")
            i += 1
        else:
            while i < end and ("\n".join(command).count('"') % 2 == 1 or command[-1].endswith(("|", "\\"))):
                command.append(lines[i])
                i += 1
        expected = []
        while i < end and lines[i].strip() != "" and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        steps.append((number, "\n".join(command), expected))
    if not steps:
        sys.exit("FAIL: the README tour has no commands")
    return steps


def normalize(line):
    for pattern, replacement in VARIABLE:
        line = pattern.sub(replacement, line)
    return line


def main():
    readme, tally = sys.argv[1], os.path.abspath(sys.argv[2])
    with open(readme, encoding="utf-8") as f:
        steps = tour_steps(f.read())
    with tempfile.TemporaryDirectory() as work:
        os.mkdir(os.path.join(work, "build"))
        os.symlink(tally, os.path.join(work, "build", "tally"))
        for number, command, expected in steps:
            run = subprocess.run(["bash", "-c", command], cwd=work, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
            got = run.stdout.splitlines()
            if run.returncode != 0:
                sys.exit(f"FAIL: README line {number}: exit {run.returncode}: {command}\n{run.stdout}")
            if [normalize(l) for l in got] != [normalize(l) for l in expected]:
                sys.exit(f"FAIL: README line {number}: {command}\n--- the README shows:\n"
                         + "\n".join(expected) + "\n--- it prints:\n" + "\n".join(got))
    print(f"README tour: {len(steps)} commands print what the README shows")


if __name__ == "__main__":
    main()
