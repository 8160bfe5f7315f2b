"""Erase stored conversations: one person's, or every conversation idle too long.

    .venv/bin/python scripts/erase.py --sender SENDER_ID [--sender ...]
    .venv/bin/python scripts/erase.py --older-than-days 30
    .venv/bin/python scripts/erase.py --older-than-days 30 --dry-run

Uses the tracker store (and lock store, if any) of ``--endpoints``
(default endpoints.yml; run from the project root, where Rasa resolves the
SQLite path). The running server also erases on its own (see
``channels/privacy.py``: ``CONVERSATION_RETENTION_DAYS`` and
``DELETE /privacy/conversations/<sender>``). With Rasa's default in-memory
lock store, a message being processed at that very moment could write an
erased conversation back; the API route holds the lock and has no such gap.

Prints what was erased, as counts (sender ids only with ``--list``); exit
status 0, or 2 on a bad argument.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", default="endpoints.yml", help="endpoints file with the tracker_store (default: endpoints.yml)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--sender", action="append", help="conversation (sender) id to erase; repeatable")
    what.add_argument("--older-than-days", type=float, help="erase conversations whose last event is older than this")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be erased")
    parser.add_argument("--list", action="store_true", help="also print the sender ids erased")
    args = parser.parse_args(argv)
    if args.older_than_days is not None and args.older_than_days < 0:
        parser.error("--older-than-days must be 0 or more")
    if not Path(args.endpoints).is_file():
        parser.error(f"no endpoints file at {args.endpoints}")
    return args


async def run(args: argparse.Namespace) -> int:
    from rasa.core.lock_store import LockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    from channels.guard import sender_problem
    from channels.privacy import DAY, erase_locked, erase_older_than, expired_senders

    store = TrackerStore.create(read_endpoint_config(args.endpoints, "tracker_store"))
    lock_config = read_endpoint_config(args.endpoints, "lock_store")
    lock_store = LockStore.create(lock_config) if lock_config else None

    if args.sender:
        bad = [s for s in args.sender if sender_problem(s, max_chars=255)]
        if bad:
            print(f"not a valid sender id: {bad[0]!r}", file=sys.stderr)
            return 2
        total = 0
        for sender in args.sender:
            if args.dry_run:
                tracker = await store.retrieve_full_tracker(sender)
                total += len(tracker.events) if tracker else 0
            else:
                total += await erase_locked(store, lock_store, sender)
        verb = "would erase" if args.dry_run else "erased"
        print(f"{verb} {len(args.sender)} conversation(s), {total} event(s)")
        if args.list:
            print("\n".join(args.sender))
        return 0

    if args.dry_run:
        senders = await expired_senders(store, time.time() - args.older_than_days * DAY)
    else:
        senders = await erase_older_than(store, lock_store, args.older_than_days)
    verb = "would erase" if args.dry_run else "erased"
    print(f"{verb} {len(senders)} conversation(s) idle for more than {args.older_than_days:g} days")
    if args.list and senders:
        print("\n".join(senders))
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
