#!/usr/bin/env python3
"""Write the sample data of every pipeline under samples/.

Deterministic: each data set has its own fixed seed and nothing depends on
the clock, the locale or the environment, so running this twice gives the
same bytes (tests/samples/run.sh checks that against the checked-in files).

    python3 samples/generate.py            # rewrite samples/*/samples/*
    python3 samples/generate.py --out DIR  # write DIR/<pipeline>/samples/* instead

Python 3 standard library only.
"""

import argparse
import csv
import io
import json
import math
import os
import random
import unicodedata
from datetime import date, datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# helpers


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    write_bytes(path, buf.getvalue().encode("utf-8"))


def write_jsonl(path, records):
    lines = [json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) for r in records]
    write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def iso(ts, millis=False):
    """2026-03-02T08:15:22Z (UTC, second or millisecond precision)."""
    if millis:
        return ts.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ts.microsecond // 1000)
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(x):
    return round(x + 1e-9, 2)


def lognormal_amount(rng, median, sigma, lo=0.5, hi=None):
    v = math.exp(rng.gauss(math.log(median), sigma))
    v = max(lo, v)
    if hi is not None:
        v = min(hi, v)
    return money(v)


ASCII_FOLD = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE",
              "đ": "d", "Đ": "D", "þ": "th"}


def ascii_fold(text):
    text = "".join(ASCII_FOLD.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128)


# ---------------------------------------------------------------------------
# customer_360: CRM customers (CSV) and orders (JSONL)

COUNTRIES = {
    # code: (currency, phone pattern (# is a digit), cities, first names, last names, weight)
    "GB": ("GBP", "+44 7### ######",
           ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff"],
           ["Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava", "Siobhán", "Rhys"],
           ["Smith", "Jones", "Taylor", "Brown", "O'Brien", "Williams", "Evans", "Patel"], 20),
    "DE": ("EUR", "+49 15# ########",
           ["Berlin", "München", "Hamburg", "Köln", "Leipzig", "Düsseldorf"],
           ["Lukas", "Sophie", "Jonas", "Marie", "Felix", "Jürgen", "Lena", "Maximilian"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Groß", "Hoffmann"],
           18),
    "FR": ("EUR", "+33 6 ## ## ## ##",
           ["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes"],
           ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Théo", "Élodie", "François"],
           ["Martin", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fontaine"],
           14),
    "ES": ("EUR", "+34 6## ### ###",
           ["Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Málaga"],
           ["José", "Lucía", "Álvaro", "María", "Pablo", "Núria", "Javier", "Carmen"],
           ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Muñoz", "Ruiz"],
           10),
    "NO": ("NOK", "+47 9## ## ###",
           ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø"],
           ["Ingrid", "Ola", "Zoë", "Magnus", "Sigrid", "Håkon", "Nora", "Øystein"],
           ["Hansen", "Johansen", "Ødegård", "Larsen", "Berg", "Haugen", "Solberg", "Dahl"],
           6),
    "SE": ("SEK", "+46 70 ### ## ##",
           ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Linköping"],
           ["Erik", "Åsa", "Astrid", "Linnea", "Oskar", "Björn", "Elsa", "Hugo"],
           ["Andersson", "Johansson", "Lindqvist", "Karlsson", "Nilsson", "Eriksson",
            "Söderberg", "Ström"], 6),
    "PL": ("PLN", "+48 5## ### ###",
           ["Warszawa", "Kraków", "Gdańsk", "Wrocław", "Łódź", "Poznań"],
           ["Łukasz", "Zofia", "Paweł", "Agnieszka", "Michał", "Małgorzata", "Jakub", "Ewa"],
           ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zieliński",
            "Szymańska"], 8),
    "US": ("USD", "+1 (###) ###-####",
           ["New York", "Austin", "Chicago", "Seattle", "Washington, D.C.", "San José"],
           ["James", "Emily", "Michael", "Olivia", "Daniel", "Sofia", "Ethan", "Grace"],
           ["Johnson", "Miller", "Davis", "Garcia", "Wilson", "Anderson", "Thomas", "Nguyen"],
           18),
}

EMAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "icloud.com", "proton.me"]
LOCAL_DOMAINS = {"GB": ["hotmail.co.uk", "btinternet.com"],
                 "DE": ["gmx.de", "web.de", "t-online.de"], "FR": ["orange.fr", "free.fr"],
                 "ES": ["telefonica.net", "yahoo.es"],
                 "NO": ["online.no", "getmail.no"], "SE": ["telia.com", "bredband.net"],
                 "PL": ["wp.pl", "onet.pl"], "US": ["yahoo.com", "comcast.net", "aol.com"]}

COMPANIES = ["Acme Logistics Ltd", "Nordlys AS", "Bäckerei Schulz", "Dubois & Fils",
             "Smith, Jones & Partners LLP", 'The "Corner" Shop', "Kowalski Sp. z o.o.",
             "Blue Fjord Consulting", "García Hermanos S.L.", "Brightline Analytics Inc."]

# Customers whose rows exercise the edges of CSV reading and masking.
FIXED_CUSTOMERS = [
    ("Zoë", "Ødegård", "NO", "Tromsø", "zoe.odegard@online.no"),
    ("José", "Müller", "DE", "München", "jose.mueller@gmx.de"),
    ("Siobhán", "O'Brien", "GB", "Cardiff", "Siobhan.OBrien@Hotmail.co.uk"),
    ("Anne-Marie", "de la Fontaine", "FR", "Paris", "am.delafontaine@orange.fr"),
    ("Grace", "Nguyen", "US", "Washington, D.C.", "grace.nguyen@icloud.com"),
]


def phone_number(rng, pattern):
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def gen_customer_360(out):
    rng = random.Random(36001)
    codes = sorted(COUNTRIES)
    weights = [COUNTRIES[c][5] for c in codes]
    customers = []
    cid = 100000
    for i in range(600):
        cid += rng.randrange(1, 7)
        if i < len(FIXED_CUSTOMERS):
            first, last, cc, city, email = FIXED_CUSTOMERS[i]
        else:
            cc = rng.choices(codes, weights)[0]
            _, _, cities, firsts, lasts, _ = COUNTRIES[cc]
            first, last, city = rng.choice(firsts), rng.choice(lasts), rng.choice(cities)
            sep = rng.choice([".", "_", ""])
            email = "%s%s%s%s@%s" % (ascii_fold(first).lower(), sep,
                                     ascii_fold(last).lower().replace("'", "").replace(" ", ""),
                                     rng.choice(["", "", str(rng.randrange(1, 99))]),
                                     rng.choice(EMAIL_DOMAINS + LOCAL_DOMAINS[cc]))
        currency, phone_pattern = COUNTRIES[cc][0], COUNTRIES[cc][1]
        phone = phone_number(rng, phone_pattern) if rng.random() > 0.12 else None
        segment = rng.choices(["consumer", "smb", "enterprise"], [80, 16, 4])[0]
        company = rng.choice(COMPANIES) if segment != "consumer" else None
        if i == 4:  # a quoted CSV field with a comma, next to a city with one
            segment, company = "smb", "Smith, Jones & Partners LLP"
        signup = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 7 * 365 - 60))
        opt_in = "true" if rng.random() < 0.55 else "false"
        customers.append((cid, first, last, email, phone, city, cc, currency, segment, company,
                          signup.isoformat(), opt_in))
    write_csv(os.path.join(out, "customer_360", "samples", "customers.csv"),
              ["customer_id", "first_name", "last_name", "email", "phone", "city", "country",
               "currency", "segment", "company", "signup_date", "marketing_opt_in"],
              customers)

    # Orders: a fortnight of a web shop.  Some guests (no CRM id), a few ids the
    # CRM has never seen, refunds, and big-spending B2B customers.
    start = datetime(2026, 3, 2, tzinfo=timezone.utc)
    orders = []
    activity = [rng.paretovariate(1.3) for _ in customers]  # a few customers order a lot
    for n in range(2400):
        t = start + timedelta(seconds=rng.randrange(14 * 86400))
        # daytime-heavy: move 60% of night orders into the afternoon
        if t.hour < 7 and rng.random() < 0.6:
            t = t.replace(hour=rng.randrange(12, 22))
        r = rng.random()
        if r < 0.06:
            customer_id, cust = None, None  # guest checkout
        elif r < 0.08:
            customer_id, cust = 900000 + rng.randrange(1000), None  # not in the CRM yet
        else:
            cust = rng.choices(customers, activity)[0]
            customer_id = cust[0]
        currency = cust[7] if cust else rng.choice(["EUR", "GBP", "USD"])
        scale = {"NOK": 10.5, "SEK": 10.8, "PLN": 4.3}.get(currency, 1.0)
        b2b = cust is not None and cust[8] != "consumer"
        amount = lognormal_amount(rng, 240 if b2b else 48, 0.8, 2.5, 9000) * scale
        items = max(1, int(rng.expovariate(0.45)) + 1)
        status = rng.choices(["paid", "shipped", "delivered", "refunded", "cancelled"],
                             [30, 25, 35, 6, 4])[0]
        order = {
            "order_id": "ORD-%07d" % (5100000 + n * 3 + rng.randrange(3)),
            "customer_id": customer_id,
            "ordered_at": iso(t.replace(microsecond=rng.randrange(1000) * 1000), millis=True),
            "status": status,
            "channel": rng.choices(["web", "app", "store", "phone"], [50, 35, 12, 3])[0],
            "currency": currency,
            "amount": money(amount) if status != "cancelled" or rng.random() < 0.5 else 0.0,
            "items": items,
            "coupon": rng.choice(["SPRING10", "WELCOME15", "VIP20"]) if rng.random() < 0.1
            else None,
            "shipping_country": cust[6] if cust else rng.choice(["GB", "DE", "US"]),
        }
        orders.append(order)
    orders.sort(key=lambda o: (o["ordered_at"], o["order_id"]))
    write_jsonl(os.path.join(out, "customer_360", "samples", "orders.jsonl"), orders)


# ---------------------------------------------------------------------------
# ad_revenue: Google Ads hourly report (CSV), Meta insights (JSONL), FX rates (CSV)

AD_DAYS = 14
AD_START = date(2026, 3, 2)

GOOGLE_CAMPAIGNS = [
    # id, name, account currency, daily budget (units), CTR, CPM, conversion rate,
    # average order value
    (18374650123, "Brand – Search – UK", "GBP", 900, 0.080, 60.0, 0.060, 74.0),
    (18374650187, "Generic – Search – DE", "EUR", 1400, 0.035, 45.0, 0.045, 61.0),
    (18374651002, "Shopping – All Products – FR", "EUR", 1100, 0.012, 8.0, 0.025, 55.0),
    (18374651355, "Performance Max – US", "USD", 2600, 0.010, 9.0, 0.030, 88.0),
    (18374652019, "YouTube – Spring Launch, 15s", "USD", 700, 0.004, 10.0, 0.008, 95.0),
    (18374652544, "Display – Remarketing – PL", "EUR", 300, 0.006, 3.0, 0.020, 39.0),
]

META_CAMPAIGNS = [
    ("23851977102850461", "Prospecting | Lookalike 2% | UK", "GBP", 1200, 0.009, 9.0, 0.018,
     68.0),
    ("23851977102850999", "Retargeting | 7-day viewers | DE", "EUR", 800, 0.015, 12.0, 0.045,
     59.0),
    ("23852011845470012", "Spring Sale 🌸 – Reels – FR/ES", "EUR", 950, 0.011, 7.0, 0.020,
     47.0),
    ("23852011845470388", "Catalog Sales | Advantage+ | US", "USD", 2100, 0.012, 10.0, 0.028,
     83.0),
    ("23852100090041577", "Brand Awareness | Nordics", "EUR", 400, 0.005, 4.0, 0.001, 70.0),
]

# Share of a day's traffic per hour (local evening peak).
HOUR_SHAPE = [0.8, 0.5, 0.3, 0.25, 0.25, 0.4, 0.9, 1.8, 2.6, 3.0, 3.2, 3.4,
              3.6, 3.5, 3.3, 3.3, 3.4, 3.8, 4.4, 5.0, 5.2, 4.6, 3.2, 1.8]


def binomial(rng, n, p):
    """Successes out of n trials: exact for small n, normal approximation above."""
    if n < 200:
        return sum(1 for _ in range(n) if rng.random() < p)
    mean = n * p
    return max(0, min(n, int(round(rng.gauss(mean, math.sqrt(mean * (1 - p)))))))


def ad_hours(rng, campaign, day_index):
    """Yield (hour, impressions, clicks, spend, conversions, value) for one day."""
    _, _, _, budget, ctr, cpm, conv_rate, aov = campaign
    total = sum(HOUR_SHAPE)
    weekend = (AD_START + timedelta(days=day_index)).weekday() >= 5
    day_budget = budget * (0.8 if weekend else 1.0) * rng.uniform(0.85, 1.1)
    for hour, share in enumerate(HOUR_SHAPE):
        spend = day_budget * share / total * rng.uniform(0.6, 1.4)
        impressions = int(spend / (cpm * rng.uniform(0.8, 1.25)) * 1000)
        if impressions == 0 or rng.random() < 0.03:  # paused or throttled hour
            continue
        clicks = binomial(rng, impressions, ctr)
        conversions = binomial(rng, clicks, conv_rate)
        value = sum(lognormal_amount(rng, aov, 0.5) for _ in range(conversions))
        yield hour, impressions, clicks, spend, conversions, value


def gen_ad_revenue(out):
    rng = random.Random(41002)
    rows = []
    for d in range(AD_DAYS):
        day = AD_START + timedelta(days=d)
        for campaign in GOOGLE_CAMPAIGNS:
            cid, name, cur = campaign[:3]
            for hour, imp, clicks, spend, convs, value in ad_hours(rng, campaign, d):
                # Google reports fractional (data-driven attribution) conversions.
                frac = round(convs * rng.uniform(0.85, 1.05), 2) if convs else 0
                rows.append((day.isoformat(), hour, cid, name, cur, imp, clicks,
                             int(round(spend * 1_000_000, -4)), frac, money(value)))
    write_csv(os.path.join(out, "ad_revenue", "samples", "google_ads.csv"),
              ["segments_date", "segments_hour", "campaign_id", "campaign_name",
               "customer_currency_code", "metrics_impressions", "metrics_clicks",
               "metrics_cost_micros", "metrics_conversions", "metrics_conversions_value"],
              rows)

    records = []
    for d in range(AD_DAYS):
        day = AD_START + timedelta(days=d)
        for campaign in META_CAMPAIGNS:
            cid, name, cur = campaign[:3]
            for hour, imp, clicks, spend, convs, value in ad_hours(rng, campaign, d):
                # The Graph API sends numbers as strings and leaves out actions
                # that did not happen.
                rec = {
                    "account_id": "act_10158823" + ("44" if cur == "GBP" else "71"),
                    "campaign_id": cid,
                    "campaign_name": name,
                    "date_start": day.isoformat(),
                    "hourly_stats_aggregated_by_advertiser_time_zone":
                        "%02d:00:00 - %02d:59:59" % (hour, hour),
                    "account_currency": cur,
                    "impressions": str(imp),
                    "clicks": str(clicks),
                    "spend": "%.2f" % spend,
                    "purchases": str(convs) if convs else None,
                    "purchase_value": "%.2f" % value if convs else None,
                }
                records.append(rec)
    write_jsonl(os.path.join(out, "ad_revenue", "samples", "meta_ads.jsonl"), records)

    # ECB-style reference rates: EUR per unit of currency, one row per day
    # for 60 days up to the last ad day (weekends repeat Friday's rate).
    fx = []
    base = {"EUR": 1.0, "GBP": 1.1712, "USD": 0.9184, "SEK": 0.0871, "NOK": 0.0862,
            "PLN": 0.2318}
    level = dict(base)
    first = AD_START + timedelta(days=AD_DAYS - 60)
    for d in range(60):
        day = first + timedelta(days=d)
        for cur in sorted(base):
            if cur != "EUR" and day.weekday() < 5:
                level[cur] *= math.exp(rng.gauss(0, 0.004))
            fx.append((day.isoformat(), cur, "%.6f" % level[cur], "ECB"))
    # Newest first, as the ECB publishes them: a preview that reads only the
    # first rows still finds the rates of the ad days.
    fx.sort(key=lambda row: (row[0], row[1]), reverse=True)
    write_csv(os.path.join(out, "ad_revenue", "samples", "fx_rates.csv"),
              ["rate_date", "currency", "eur_per_unit", "source"], fx)


# ---------------------------------------------------------------------------
# fraud_features: card transactions (JSONL)

MERCHANTS = [
    # name, mcc, country, median amount in EUR, channel
    ("Tesco Express", "5411", "GB", 18, "pos"), ("Pret A Manger", "5814", "GB", 8, "pos"),
    ("Shell", "5541", "GB", 55, "pos"), ("Lidl", "5411", "DE", 27, "pos"),
    ("Müller Drogerie", "5912", "DE", 19, "pos"), ("ATM Sparkasse", "6011", "DE", 100, "atm"),
    ("Carrefour City", "5411", "FR", 22, "pos"), ("Boulangerie Paul", "5814", "FR", 7, "pos"),
    ("Mercadona", "5411", "ES", 31, "pos"), ("El Corte Inglés", "5311", "ES", 72, "pos"),
    ("Rema 1000", "5411", "NO", 35, "pos"), ("Café Zoë", "5814", "NO", 6, "pos"),
    ("ICA Maxi", "5411", "SE", 38, "pos"), ("IKEA", "5712", "SE", 140, "pos"),
    ("Albert Heijn", "5411", "NL", 24, "pos"), ("NS Reizigers", "4112", "NL", 14, "pos"),
    ("Centra", "5499", "IE", 12, "pos"), ("Circle K", "5541", "IE", 48, "pos"),
    # online: the merchant's country is rarely the cardholder's
    ("Deutsche Bahn", "4112", "DE", 64, "ecom"), ("Amazon EU", "5942", "LU", 35, "ecom"),
    ("Zalando", "5651", "DE", 79, "ecom"), ("Netflix", "4899", "NL", 13, "ecom"),
    ("Uber *Trip", "4121", "NL", 17, "ecom"), ("Ryanair", "3246", "IE", 96, "ecom"),
    ("Apple.com/bill", "5735", "IE", 4, "ecom"), ("Booking.com", "4722", "NL", 310, "ecom"),
]
DOMESTIC = {}
for _m in MERCHANTS:
    if _m[4] != "ecom":
        DOMESTIC.setdefault(_m[2], []).append(_m)
ONLINE = [m for m in MERCHANTS if m[4] == "ecom"]

# Merchants favoured by compromised cards: far away, online, resellable goods.
RISKY = [
    ("ELECTRO-MART ONLINE", "5732", "US", 640, "ecom"),
    ("GIFTCARDS 24/7", "5999", "CY", 250, "ecom"),
    ("CRYPTO XCHG", "6051", "SC", 900, "ecom"),
    ("ATM Banco 24h", "6011", "BR", 300, "atm"),
]

CARD_COUNTRIES = ["GB", "DE", "FR", "ES", "NO", "SE", "NL", "IE"]
CURRENCY = {"GB": "GBP", "NO": "NOK", "SE": "SEK", "US": "USD", "CY": "EUR", "SC": "USD",
            "BR": "BRL"}
EUR_PER_UNIT = {"EUR": 1.0, "GBP": 1.17, "NOK": 0.086, "SEK": 0.087, "USD": 0.92, "BRL": 0.18}


def gen_fraud_features(out):
    rng = random.Random(77003)
    cards = []
    for i in range(220):
        cc = rng.choice(CARD_COUNTRIES)
        bin6 = rng.choice(["453201", "471619", "520082", "535522", "676770", "492182"])
        cards.append(("crd_%08x" % rng.getrandbits(32), bin6, cc))
    # Scheme test cards that leak into production topics; features drops them.
    cards += [("crd_%08x" % rng.getrandbits(32), "411111", "GB"),
              ("crd_%08x" % rng.getrandbits(32), "400000", "DE")]
    compromised = set(c[0] for c in rng.sample(cards[:220], 9))

    start = datetime(2026, 3, 9, tzinfo=timezone.utc)
    txns = []
    for n in range(3000):
        card = rng.choice(cards)
        t = start + timedelta(seconds=rng.randrange(3 * 86400))
        if t.hour < 6 and rng.random() < 0.7:
            t = t.replace(hour=rng.randrange(8, 21))
        r = rng.random()
        if r < 0.72:
            merchant = rng.choice(DOMESTIC[card[2]])
        elif r < 0.92:
            merchant = rng.choice(ONLINE)
        else:
            merchant = rng.choice(MERCHANTS)  # travelling
        name, mcc, mcountry, median, channel = merchant
        amount = lognormal_amount(rng, median, 0.6, 0.5, 5000)
        if rng.random() < 0.008:
            amount = 0.0  # card verification ("account status inquiry")
        txns.append((t, card, name, mcc, mcountry, amount, channel))
    # Bursts: each compromised card is drained at night within half an hour.
    for cid in sorted(compromised):
        card = next(c for c in cards if c[0] == cid)
        t = start + timedelta(days=rng.randrange(3), hours=rng.randrange(0, 5),
                              minutes=rng.randrange(60))
        for _ in range(rng.randrange(5, 13)):
            t += timedelta(seconds=rng.randrange(40, 400))
            name, mcc, mcountry, median, channel = rng.choice(RISKY)
            txns.append((t, card, name, mcc, mcountry,
                         lognormal_amount(rng, median, 0.4, 20, 4999), channel))

    txns.sort(key=lambda x: (x[0], x[1][0]))
    records = []
    for i, (t, card, name, mcc, mcountry, amount, channel) in enumerate(txns):
        cid, bin6, cc = card
        currency = CURRENCY.get(mcountry, "EUR")
        amount = money(amount / EUR_PER_UNIT[currency])  # medians above are in EUR
        entry = {"pos": rng.choice(["chip", "contactless", "contactless", "swipe"]),
                 "ecom": rng.choice(["ecom_3ds", "ecom_3ds", "ecom_no_3ds", "card_on_file"]),
                 "atm": "chip"}[channel]
        rec = {
            "txn_id": "tx_%016x" % rng.getrandbits(64),
            "card_id": cid,
            "card_bin": bin6,
            "card_country": cc,
            "ts": iso(t),
            "amount": amount,
            "currency": currency,
            # the processor's settlement amount; missing while the rate is pending
            "amount_eur": money(amount * EUR_PER_UNIT[currency]) if rng.random() > 0.004
            else None,
            "merchant": name,
            "mcc": mcc,
            "merchant_country": mcountry,
            "channel": channel,
            "entry_mode": entry,
            "device_id": ("dev_%06x" % rng.getrandbits(24)) if channel == "ecom" else None,
        }
        records.append(rec)
    write_jsonl(os.path.join(out, "fraud_features", "samples", "transactions.jsonl"), records)


def gen_plugin_tutorial(out):
    """The plugin tutorial's deliveries (docs/plugins.md): fixed, hand-picked
    points -- Oslo twice in one geohash cell, Bergen, Trondheim, Sydney, New
    York, one without coordinates and one with an impossible latitude."""
    rows = [
        ("d-1001", "ane", 59.9139, 10.7522, "2024-05-01T09:12:00Z"),
        ("d-1002", "ane", 59.9127, 10.7461, "2024-05-01T09:31:00Z"),
        ("d-1003", "bo", 60.3913, 5.3221, "2024-05-01T10:02:00Z"),
        ("d-1004", "bo", 63.4305, 10.3951, "2024-05-01T10:40:00Z"),
        ("d-1005", "chi", -33.8688, 151.2093, "2024-05-01T11:05:00Z"),
        ("d-1006", "chi", None, None, "2024-05-01T11:20:00Z"),
        ("d-1007", "dag", 91.5, 10.0, "2024-05-01T11:45:00Z"),
        ("d-1008", "dag", 40.7128, -74.006, "2024-05-01T12:00:00Z"),
    ]
    write_csv(os.path.join(out, "plugin_tutorial", "samples", "deliveries.csv"),
              ["delivery_id", "courier", "lat", "lon", "delivered_at"], rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=HERE,
                    help="folder that holds the pipeline folders (default: samples/)")
    args = ap.parse_args()
    gen_customer_360(args.out)
    gen_ad_revenue(args.out)
    gen_fraud_features(args.out)
    gen_plugin_tutorial(args.out)


if __name__ == "__main__":
    main()
