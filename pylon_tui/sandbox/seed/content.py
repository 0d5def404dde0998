"""Hand-written demo content: support team, customers, Linear backlog and ticket templates.

Kept apart from the generator so the story (which ticket waits on which engineering issue,
which Linear titles are near-duplicates) can be read in one place.
"""

from __future__ import annotations

from typing import NamedTuple

ORG_NAME = "Sandbox Co (demo)"
SUPPORT_DOMAIN = "sandboxco.dev"

USERS: list[tuple[str, str]] = [
    ("Maya Chen", "maya"),
    ("Luis Ortega", "luis"),
    ("Priya Raman", "priya"),
    ("Tom Becker", "tom"),
    ("Aisha Bello", "aisha"),
    ("Jonas Lindqvist", "jonas"),
]
DEACTIVATED_USER = ("Sam Okafor", "sam")
"""A teammate who left: deactivated in Pylon, so pickers must not offer them (issue 18)."""
TICKET_FORM_ID = "form-bug-report"
# (team name, indexes into USERS)
TEAMS: list[tuple[str, list[int]]] = [
    ("Support Tier 1", [0, 1, 2, 4]),
    ("Support Escalations", [2, 3, 5]),
]

# (account name, domain, [(contact name, local part)])
ACCOUNTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Acme Logistics", "acmelogistics.io", [("Dana Whitfield", "dana"), ("Raj Patel", "raj")]),
    ("Brightwave HR", "brightwavehr.com", [("Chloe Martin", "chloe"), ("Sam Okafor", "sam")]),
    ("Cobalt Finance", "cobaltfinance.co", [("Erik Sorensen", "erik"), ("Mina Park", "mina")]),
    ("Driftwood Labs", "driftwoodlabs.dev", [("Ana Souza", "ana"), ("Ben Carter", "ben")]),
    ("Evergreen Health", "evergreenhealth.org", [("Grace Lee", "grace"), ("Omar Haddad", "omar")]),
    ("Fjord Analytics", "fjordanalytics.no", [("Ingrid Berg", "ingrid"), ("Lars Holm", "lars")]),
    ("Granite CRM", "granitecrm.com", [("Paul Novak", "paul"), ("Zoe Adams", "zoe")]),
    ("Harbor Payments", "harborpay.io", [("Kenji Ito", "kenji"), ("Lucy Grant", "lucy")]),
    ("Ironclad Security", "ironclad.sh", [("Nadia Rahman", "nadia"), ("Victor Hugo", "victor")]),
    (
        "Juniper Learning",
        "juniperlearning.edu",
        [("Fatima Zahra", "fatima"), ("Ollie Reed", "ollie")],
    ),
]

LINEAR_TEAMS: list[tuple[str, str]] = [
    ("ENG", "Engineering"),
    ("PLAT", "Platform"),
    ("MOBILE", "Mobile"),
]
# (name, type, color) in workflow order; every WorkflowState.type Linear documents.
LINEAR_STATES: list[tuple[str, str, str]] = [
    ("Triage", "triage", "#FC7840"),
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("In Review", "started", "#0f783c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
    ("Duplicate", "duplicate", "#95a2b3"),
]

# (team key, title, state name, priority 0-4). Numbered per team in order, from 1.
# Near-duplicate pairs are intentional so duplicate search has something to find.
LINEAR_ISSUES: list[tuple[str, str, str, int]] = [
    ("ENG", "SSO login loop with Okta", "In Progress", 1),  # ENG-1
    ("ENG", "CSV export times out for large workspaces", "In Progress", 2),  # ENG-2
    ("ENG", "Webhook deliveries retried twice on 502", "Todo", 3),  # ENG-3
    ("ENG", "Dashboard charts render blank in Safari 17", "Backlog", 3),  # ENG-4
    ("ENG", "Okta SAML login redirects forever", "Triage", 2),  # ENG-5 ~ ENG-1
    ("ENG", "Export to CSV fails with timeout on big projects", "Duplicate", 3),  # ENG-6 ~ ENG-2
    ("ENG", "Rate limit headers missing on 429 responses", "Done", 3),  # ENG-7
    ("ENG", "Search results ignore archived filter", "Todo", 4),  # ENG-8
    ("ENG", "Slack notifications arrive twice", "In Progress", 2),  # ENG-9
    ("ENG", "Duplicate Slack alerts for a single event", "Backlog", 3),  # ENG-10 ~ ENG-9
    ("ENG", "Timezone offset wrong in scheduled reports", "In Review", 3),  # ENG-11
    ("ENG", "Scheduled report emails use UTC instead of account timezone", "Todo", 2),  # ENG-12
    ("ENG", "API token rotation invalidates active sessions", "Done", 1),  # ENG-13
    ("ENG", "Markdown tables break PDF export", "Canceled", 4),  # ENG-14
    ("ENG", "PDF export drops table formatting", "Triage", 3),  # ENG-15 ~ ENG-14
    ("ENG", "Bulk user import skips rows with unicode names", "In Progress", 2),  # ENG-16
    ("ENG", "Export shows literal [bold] markup in column headers", "Backlog", 4),  # ENG-17
    ("PLAT", "Postgres connection pool exhaustion during peak hours", "In Progress", 1),
    ("PLAT", "Intermittent 503s from API gateway in eu-west-1", "In Progress", 1),  # PLAT-2
    ("PLAT", "EU region API returns 503 intermittently", "Triage", 2),  # PLAT-3 ~ PLAT-2
    ("PLAT", "Audit log retention job fails nightly", "Todo", 2),  # PLAT-4
    ("PLAT", "SCIM provisioning deactivates wrong users", "In Progress", 1),  # PLAT-5
    ("PLAT", "SCIM deprovision removes users still active in Okta", "Backlog", 2),  # PLAT-6
    ("PLAT", "Increase webhook timeout to 30s", "Done", 3),  # PLAT-7
    ("PLAT", "Data residency: files stored outside EU bucket", "Todo", 1),  # PLAT-8
    ("PLAT", "Billing invoices show wrong seat count", "In Progress", 2),  # PLAT-9
    ("PLAT", "Invoice seat count doesn't match active users", "Triage", 3),  # PLAT-10 ~ PLAT-9
    ("PLAT", "Migrate job queue to Redis Streams", "Backlog", 4),  # PLAT-11
    ("PLAT", "Background sync stalls after token refresh", "Done", 2),  # PLAT-12
    ("MOBILE", "iOS app crashes on launch after 5.2 update", "In Progress", 1),  # MOBILE-1
    ("MOBILE", "App crash at startup on iOS 17.4", "Triage", 1),  # MOBILE-2 ~ MOBILE-1
    ("MOBILE", "Push notifications not delivered on Android 14", "Todo", 2),  # MOBILE-3
    ("MOBILE", "Android 14 devices miss push alerts", "Backlog", 3),  # MOBILE-4 ~ MOBILE-3
    ("MOBILE", "Offline mode loses draft comments", "In Progress", 2),  # MOBILE-5
    ("MOBILE", "Dark mode contrast too low on settings screen", "Backlog", 4),  # MOBILE-6
    ("MOBILE", "Deep links open the wrong workspace", "Done", 3),  # MOBILE-7
    ("MOBILE", "Biometric login fails after OS upgrade", "Canceled", 3),  # MOBILE-8
    ("MOBILE", "Face ID unlock stops working after iOS update", "Todo", 2),  # MOBILE-9 ~ 8
    ("MOBILE", "Attachment upload stuck at 99% on cellular", "In Progress", 3),  # MOBILE-10
    ("MOBILE", "Image uploads hang on slow networks", "Triage", 3),  # MOBILE-11 ~ MOBILE-10
]

# GitHub issues the sandbox serves: (Owner/Repo/Number, title, state)
GITHUB_ISSUES: list[tuple[str, str, str]] = [
    ("acme/widgets/123", "SDK: retry storm when the API returns 503", "open"),
    ("acme/widgets/98", "SDK: export helper ignores timezone", "closed"),
]


class Template(NamedTuple):
    title: str
    body: str
    tags: tuple[str, ...]
    area: str
    linear: str | None  # identifier of the engineering issue this problem maps to


TEMPLATES: list[Template] = [
    Template(
        "Scheduled weekly report arrives at 2am instead of 9am",
        "Our weekly usage report is supposed to land at 9:00 Berlin time but it shows up at "
        "2:00. It started after the DST change. Can you check the timezone on our workspace?",
        ("reports", "timezone"),
        "reporting",
        "ENG-12",
    ),
    Template(
        "Everyone logged out after we rotated our API token",
        "We rotated the API token per our security policy and all 40 of our agents were "
        "signed out mid-shift. Is that expected? It was pretty disruptive.",
        ("auth", "api"),
        "auth",
        "ENG-13",
    ),
    Template(
        "Can't log in with Okta SSO, stuck in a redirect loop",
        "Since this morning nobody on our team can sign in. Okta authenticates fine, then the "
        "browser bounces between Okta and your login page forever. Clearing cookies doesn't help.",
        ("sso", "login", "urgent-customer"),
        "auth",
        "ENG-1",
    ),
    Template(
        "Intermittent 503 errors from the EU API",
        "We see bursts of <code>503 Service Unavailable</code> from api.eu endpoints, roughly "
        "every 15 minutes, lasting ~30s. Our SDK retries but some jobs still fail.",
        ("api", "eu", "outage"),
        "platform",
        "PLAT-2",
    ),
    Template(
        "CSV export never finishes for our main workspace",
        "Exporting the full ticket history to CSV spins for ten minutes and then fails with "
        "'request timed out'. Smaller workspaces export fine.",
        ("export",),
        "reporting",
        "ENG-2",
    ),
    Template(
        "Webhooks are firing twice for the same event",
        "Our endpoint receives every <code>ticket.updated</code> webhook twice, about 30 "
        "seconds apart, same payload. We dedupe for now but would like a fix.",
        ("webhooks", "api"),
        "integrations",
        "ENG-3",
    ),
    Template(
        "Slack alerts duplicated in our #support-alerts channel",
        "Every alert shows up two times in Slack. Started on Monday. Screenshot attached in "
        "thread.",
        ("slack", "notifications"),
        "integrations",
        "ENG-9",
    ),
    Template(
        "SCIM sync deactivated two of our admins",
        "Last night's SCIM sync deactivated two admins who are definitely still active in "
        "Okta. We had to re-enable them manually. Please investigate urgently.",
        ("scim", "provisioning"),
        "auth",
        "PLAT-5",
    ),
    Template(
        "Invoice shows 140 seats but we only have 96 users",
        "Our March invoice bills 140 seats. The admin console shows 96 active users. Can "
        "you correct the invoice?",
        ("billing",),
        "billing",
        "PLAT-9",
    ),
    Template(
        "iOS app crashes immediately on launch",
        "After updating to 5.2 the iPhone app crashes on the splash screen for several of "
        "our field staff (iOS 17.4). Android is fine.",
        ("mobile", "ios", "crash"),
        "mobile",
        "MOBILE-1",
    ),
    Template(
        "No push notifications on Android 14 devices",
        "Our team with Pixel 8 phones stopped receiving push notifications. Older Android "
        "devices still get them.",
        ("mobile", "android", "notifications"),
        "mobile",
        "MOBILE-3",
    ),
    Template(
        "Attachments stuck uploading at 99%",
        "On mobile data, photo attachments hang at 99% and never complete. Works on wifi.",
        ("mobile", "attachments"),
        "mobile",
        "MOBILE-10",
    ),
    Template(
        "Files stored in a US bucket? GDPR question",
        "Our DPO noticed attachment URLs pointing at a us-east bucket although we are on "
        "the EU plan. Can you confirm where our files are stored?",
        ("compliance", "eu", "gdpr"),
        "platform",
        "PLAT-8",
    ),
    Template(
        "Bulk import drops users with accents in their names",
        "Importing our staff CSV skipped every row with a name like 'José' or 'Zoë'. "
        "No error was shown.",
        ("import", "users"),
        "admin",
        "ENG-16",
    ),
    Template(
        "Audit log is missing entries from last week",
        "The audit log has nothing between the 3rd and the 9th. Our auditors need the full "
        "history. Was something purged?",
        ("audit", "compliance"),
        "admin",
        "PLAT-4",
    ),
    Template(
        "How do I add a teammate to our workspace?",
        "We just hired a new support lead. What's the best way to add her and give her "
        "admin rights?",
        ("how-to",),
        "admin",
        None,
    ),
    Template(
        "Password reset email never arrives",
        "One of our agents requested a password reset three times; nothing in inbox or "
        "spam. Email: agent@ our domain.",
        ("login", "email"),
        "auth",
        None,
    ),
    Template(
        "Request: raise our API rate limit",
        "We are hitting the 20 requests per minute limit on search during our nightly sync. "
        "Could you raise it for our account?",
        ("api", "feature-request"),
        "integrations",
        None,
    ),
    Template(
        "Need a copy of the March invoice with our VAT number",
        "Finance needs the March invoice re-issued with our VAT ID on it.",
        ("billing",),
        "billing",
        None,
    ),
    Template(
        "Where can we download the SOC 2 report?",
        "Our security team asks for your latest SOC 2 Type II report. Is there a trust portal?",
        ("compliance", "security"),
        "admin",
        None,
    ),
    Template(
        "Dashboard charts are blank in Safari",
        "Charts on the analytics dashboard render as empty boxes in Safari 17. Chrome works fine.",
        ("dashboard", "browser"),
        "reporting",
        "ENG-4",
    ),
    Template(
        "Setting up SAML with Azure AD",
        "We are moving from Okta to Azure AD. Is there a guide for configuring SAML, and can "
        "both run in parallel during the migration?",
        ("sso", "how-to"),
        "auth",
        None,
    ),
]

# Tickets whose content exercises the app's safe rendering (markup and escape sequences).
MARKUP_TEMPLATE = Template(
    "Error: [bold red]x[/] shown in export",
    "The exported spreadsheet shows <code>[bold red]x[/]</code> in the header cells instead "
    "of the column name. Looks like formatting codes are leaking into the file.",
    ("export", "bug"),
    "reporting",
    "ENG-17",
)
ESCAPE_TEMPLATE = Template(
    "Weird characters when pasting our error log",
    "I pasted the output from our terminal and it looks garbled: "
    "\x1b]52;c;ZWNobyAiaGVsbG8gZnJvbSB0aGUgY2xpcGJvYXJkIg==\x07 then "
    "\x1b[31mERROR\x1b[0m connection reset. Is that something on your side?",
    ("api",),
    "integrations",
    None,
)

AGENT_REPLIES: list[str] = [
    "<p>Thanks for reporting this! We're on it and will update you shortly.</p>",
    "<p>Thanks {first}, I've reproduced this and escalated it to our engineering team. "
    "I'll keep you posted here.</p>",
    "<p>Hi {first}, could you send us the approximate time this happened and your "
    "workspace URL? That will help us dig into the logs.</p>",
    "<p>Good news: a fix has been deployed. Could you confirm it works on your side?</p>",
    "<p>Hi {first}, here's how to do that: go to <b>Settings &rarr; Members</b>, click "
    "<b>Invite</b> and choose the <i>Admin</i> role.</p>",
]
CUSTOMER_FOLLOWUPS: list[str] = [
    "<p>Any update on this? It's still happening for us.</p>",
    "<p>Here are the details you asked for: it happened around 09:40 CET on app.{domain}.</p>",
    "<p>This is now blocking our team, can we get an ETA?</p>",
    "<p>Thanks, that worked! One more question though: does this apply to all workspaces?</p>",
]
INTERNAL_NOTES: list[str] = [
    "<p>Linked to the engineering issue, customer is on the Enterprise plan.</p>",
    "<p>Checked the logs: same pattern as last week's incident. @eng please take a look.</p>",
    "<p>Account is up for renewal next month, handle with care.</p>",
    "<p>Workaround shared; waiting for the fix to ship.</p>",
]
