"""What monitoring reads cost at national scale. Run: .venv/bin/python bench/bench_monitoring.py

Builds a synthetic year straight into the ledger's balance table (no transfers: monitoring
reads ``Balance`` only): 150 agreements, each with a draft plan of 40 schemes, two partners
spending on every scheme and one commitment account per scheme, with balances for the 12
months of 2024-25 and the 12 of 2023-24 (for the seasonal profile): 360,000 balance rows,
what a 5-million-line year folds into. Then times ``monitoring_of`` for one agreement and
``national_report`` over all 150 as the national assurer (best of seven, after one warm-up
read), and counts their queries. SQLite in a temporary file by default; set
CAREPOOL_DATABASE_URL to a PostgreSQL database (e.g. under scripts/with-postgres) to measure
there. Copy the table into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import os
import random
import secrets
import sys
import tempfile
import timeit
from decimal import Decimal
from pathlib import Path

if not (os.environ.get("CAREPOOL_DATABASE_URL") or os.environ.get("DATABASE_URL")):
    _scratch = Path(tempfile.mkdtemp(prefix="carepool-bench-"))
    os.environ["CAREPOOL_DATABASE_URL"] = f"sqlite:///{_scratch / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepool.site.settings")
# Production settings (debug off, so Django keeps no log of queries); a throwaway key.
os.environ.setdefault("CAREPOOL_SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from carepool.accounts.models import Role, RoleGrant, User  # noqa: E402
from carepool.agreements.models import Agreement, AgreementPartner, PartnerStatus  # noqa: E402
from carepool.core.ledger import months_of  # noqa: E402
from carepool.core.money import Money  # noqa: E402
from carepool.core.periods import FinancialYear  # noqa: E402
from carepool.core.plan_hash import content_hash  # noqa: E402
from carepool.core.plans import CommissionerShare, Funding, PlanContent, Scheme  # noqa: E402
from carepool.core.stored_plans import content_to_stored  # noqa: E402
from carepool.ledger.models import Account, Balance  # noqa: E402
from carepool.ledger.monitoring import monitoring_of, national_report  # noqa: E402
from carepool.organisations.models import Area, Organisation  # noqa: E402
from carepool.plans.models import Plan, PlanVersion  # noqa: E402

AREAS = int(os.environ.get("BENCH_AREAS", "150"))
SCHEMES = 40
YEAR = FinancialYear(2024)


def build() -> User:
    rng = random.Random(8)
    months = months_of(YEAR.previous()) + months_of(YEAR)
    nhse = Organisation.objects.create(
        code="X24", name="NHS England", org_type="other", code_system="ods"
    )
    assurer = User.objects.create_user(username="assurer", organisation=nhse)
    RoleGrant.objects.create(user=assurer, role=Role.NATIONAL_ASSURER)
    for n in range(AREAS):
        code = f"E{n:08d}"
        area = Area.objects.create(code=code, name=f"Area {n:03d}", kind="hwb", source="bench")
        council = Organisation.objects.create(
            code=code, name=f"Council {n:03d}", org_type="council", code_system="gss"
        )
        icb = Organisation.objects.create(
            code=f"Q{n:03d}", name=f"ICB {n:03d}", org_type="nhs_commissioner", code_system="ods"
        )
        agreement = Agreement.objects.create(
            title=f"Pool {n:03d}",
            area=area,
            arrangement_type="pooled_fund",
            host=council,
            start_date=date(2023, 4, 1),
            end_date=date(2027, 3, 31),
        )
        AgreementPartner.objects.bulk_create(
            [
                AgreementPartner(agreement=agreement, organisation=o, status=PartnerStatus.ACCEPTED)
                for o in (council, icb)
            ]
        )
        schemes = tuple(
            Scheme(
                f"S{s:02d}",
                f"Scheme {s}",
                "",
                "home_care",
                "",
                "social_care",
                (CommissionerShare(code, Decimal(60)), CommissionerShare(icb.code, Decimal(40))),
                "private",
                (Funding("nhs_minimum", Money(rng.randint(100_000, 5_000_000) * 100)),),
                False,
            )
            for s in range(SCHEMES)
        )
        content = PlanContent(schemes)
        plan = Plan.objects.create(agreement=agreement, area=area, year=YEAR.label)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            content=content_to_stored(content),
            content_hash=content_hash(content),
            created_by="bench",
        )
        accounts = Account.objects.bulk_create(
            [
                Account(agreement=agreement, kind=kind, scheme_code=f"S{s:02d}", partner=partner)
                for s in range(SCHEMES)
                for kind, partner in (("spend", council), ("spend", icb), ("commitment", icb))
            ]
        )
        Balance.objects.bulk_create(
            [
                Balance(
                    account=account,
                    month=month,
                    debit_pence=rng.randint(0, 50_000_000),
                    credit_pence=rng.randint(0, 1_000_000),
                )
                for account in accounts
                for month in (months if account.kind == "spend" else months[12:])
            ],
            batch_size=5_000,
        )
    return assurer


def main() -> None:
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        assurer = build()
    with connection.cursor() as cursor:  # statistics, as a live database keeps them
        cursor.execute("ANALYZE")
    first = Agreement.objects.order_by("pk").first()
    assert first is not None
    balances = Balance.objects.count()
    print(
        f"{AREAS} agreements x {SCHEMES} schemes: {balances:,} balance rows ({connection.vendor})"
    )

    cases = {
        "monitoring_of (one agreement, as at March)": lambda: monitoring_of(
            assurer, first.pk, YEAR.label
        ),
        "monitoring_of (one agreement, as at October)": lambda: monitoring_of(
            assurer, first.pk, YEAR.label, 202410
        ),
        f"national_report ({AREAS} agreements)": lambda: national_report(assurer, YEAR.label),
    }
    print("| read | best of 7 | queries |")
    print("|---|---|---|")
    for name, read in cases.items():
        read()
        with CaptureQueriesContext(connection) as captured:
            read()
        best = min(timeit.repeat(read, number=1, repeat=7))
        print(f"| {name} | {best * 1000:.1f} ms | {len(captured.captured_queries)} |")
    report = national_report(assurer, YEAR.label)
    print(f"national: {len(report.areas)} areas, forecast {report.forecast}")


if __name__ == "__main__":
    sys.exit(main())
