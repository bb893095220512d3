"""Seed a pretix database for the check-in comparison (bench/checkin_vs_pretix.sh).

    PRETIX_CONFIG_FILE=var/pretix-data/pretix.cfg var/pretix-venv/bin/python bench/pretix/seed.py N OUT.json

Runs inside pretix's own virtual environment (pretix is not a dependency of Aksalarasa). Creates, through
pretix's models, what a box office has before doors open:
  - an organizer and an event (live, dated today) with one admission product (a ticket at IDR 50,000);
  - one check-in list over all products;
  - N paid orders of one position each, whose ticket secrets are known (so the load driver can scan them);
  - a team limited to the permission "event.orders:checkin" on all events, and an API token of that team
    (what a scanning app is given).
Writes {"organizer", "event", "list", "token", "secrets": [...]} to OUT.json. Each run makes a new event, so
a second run never meets secrets that are already checked in.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import uuid
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import (  # noqa: E402
    CheckinList,
    Event,
    Item,
    Order,
    OrderPosition,
    Organizer,
    Team,
)


def secret_for(i: int, run: str) -> str:
    # 32 characters like pretix's own random secrets; distinct per run and per ticket.
    return f"bench{run}{i:019d}"[:32].ljust(32, "0")


@scopes_disabled()
def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    out = sys.argv[2] if len(sys.argv) > 2 else "pretix-seed.json"
    run = uuid.uuid4().hex[:8]
    today = now().replace(microsecond=0)
    with transaction.atomic():
        organizer, _ = Organizer.objects.get_or_create(slug="bench", defaults={"name": "Bench organizer"})
        event = Event.objects.create(
            organizer=organizer,
            name=f"Bench {run}",
            slug=f"bench{run}",
            currency="IDR",
            date_from=today,
            date_to=today + datetime.timedelta(hours=2),
            live=True,
        )
        item = Item.objects.create(
            event=event, name="Admission", default_price=Decimal("50000"), admission=True, active=True
        )
        checkin_list = CheckinList.objects.create(event=event, name="Entrance", all_products=True)
        team, _ = Team.objects.get_or_create(
            organizer=organizer,
            name="Scanners",
            defaults={"all_events": True, "limit_event_permissions": {"event.orders:checkin": True}},
        )
        token = team.tokens.create(name=f"scanner {run}")
        channel = organizer.sales_channels.get(identifier="web")

    secrets = [secret_for(i, run) for i in range(n)]
    created = now()
    expires = created + datetime.timedelta(days=10)
    for start in range(0, n, 500):
        with transaction.atomic():
            for i in range(start, min(start + 500, n)):
                order = Order.objects.create(
                    event=event,
                    organizer=organizer,
                    email=f"guest{i}@example.invalid",
                    status=Order.STATUS_PAID,
                    datetime=created,
                    expires=expires,
                    total=Decimal("50000"),
                    locale="en",
                    sales_channel=channel,
                )
                OrderPosition.objects.create(
                    order=order,
                    item=item,
                    variation=None,
                    price=Decimal("50000"),
                    attendee_name_parts={"full_name": f"Warga {i}"},
                    secret=secrets[i],
                    positionid=1,
                )
                order.create_transactions(is_new=True, dt_now=created)
    with open(out, "w") as fh:
        json.dump(
            {
                "organizer": organizer.slug,
                "event": event.slug,
                "list": checkin_list.pk,
                "token": token.token,
                "secrets": secrets,
            },
            fh,
        )
    print(
        f"pretix seed: organizer {organizer.slug}, event {event.slug}, list {checkin_list.pk}, {n} paid orders"
    )


if __name__ == "__main__":
    main()
