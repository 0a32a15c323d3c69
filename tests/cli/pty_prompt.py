#!/usr/bin/python3
"""pty_prompt.py CMD... — runs CMD on a pseudo-terminal as its controlling tty and answers its PIN prompts:
for each line "PROMPT-SUBSTRING=ANSWER" read from stdin, waits for the substring, then types the answer.
Fails (exit 1) when an answer is echoed back (echo must be off) or CMD fails; prints CMD's terminal output."""
import os
import pty
import select
import sys
import time

answers = [line.rstrip("\n").split("=", 1) for line in sys.stdin if line.strip()]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen = b""
deadline = time.time() + 20


def read_more():
    global seen
    if not select.select([fd], [], [], max(0.0, deadline - time.time()))[0]:
        return False
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        return False
    seen += chunk
    return bool(chunk)


for prompt, answer in answers:
    while prompt.encode() not in seen:
        if time.time() > deadline or not read_more():
            print(f"pty_prompt: no prompt {prompt!r}; terminal output: {seen!r}", file=sys.stderr)
            os.kill(pid, 9)
            sys.exit(1)
    seen = seen.split(prompt.encode(), 1)[1]
    os.write(fd, answer.encode() + b"\n")
while read_more():
    pass
sys.stdout.write(seen.decode(errors="replace"))
if time.time() > deadline:
    os.kill(pid, 9)  # hung: never block the test on it
_, status = os.waitpid(pid, 0)
rc = os.waitstatus_to_exitcode(status)
if any(a.encode() in seen for _, a in answers):
    print(f"pty_prompt: a secret was echoed: {seen!r}", file=sys.stderr)
    sys.exit(1)
sys.exit(rc)
