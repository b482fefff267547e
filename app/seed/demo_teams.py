"""The demo company's teams: who they are, who works there, how much they can take on.

Capacity is in person-weeks per quarter. Overrides are keyed by quarter offset
(0 = the current quarter). They are set so that Data Platform is over capacity
next quarter with three product teams waiting on it, Payments Platform is just
over next quarter, Mobile App and Growth over in one quarter each, and the other
teams have room to spare.
"""

from __future__ import annotations

from typing import NamedTuple


class DemoTeam(NamedTuple):
    slug: str
    name: str
    kind: str
    default_capacity: float
    overrides: dict[int, float]
    people: tuple[str, ...]  # the first is the lead, who writes most status updates


TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam(
        "idn",
        "Identity",
        "platform",
        40,
        {},
        ("Priya Nair", "Tomasz Kowalski", "Amara Okafor", "Jonas Becker"),
    ),
    DemoTeam(
        "pay",
        "Payments Platform",
        "platform",
        45,
        {1: 34},
        ("Sofia Marques", "Daniel Reyes", "Hannah Lindqvist", "Kwame Mensah"),
    ),
    DemoTeam(
        "data",
        "Data Platform",
        "platform",
        48,
        {1: 45, 2: 52},
        ("Mei Chen", "Lukas Wagner", "Fatima Haddad", "Oliver Grant"),
    ),
    DemoTeam(
        "gw",
        "API Gateway",
        "platform",
        38,
        {},
        ("Rafael Souza", "Ingrid Halvorsen", "Samuel Adeyemi"),
    ),
    DemoTeam(
        "infra",
        "Infrastructure",
        "platform",
        54,
        {0: 50},
        ("Anna Kowalczyk", "Marcus Bell", "Yuki Tanaka", "Pedro Alves"),
    ),
    DemoTeam(
        "msg",
        "Messaging",
        "platform",
        30,
        {},
        ("Elena Petrova", "George Whitfield", "Nadia Rahman"),
    ),
    DemoTeam(
        "chk",
        "Checkout",
        "product",
        26,
        {},
        ("Laura Fischer", "Ben Carter", "Chiara Romano"),
    ),
    DemoTeam(
        "mob",
        "Mobile App",
        "product",
        30,
        {},
        ("Arjun Mehta", "Sara Johansson", "Leo Martin", "Aisha Bello"),
    ),
    DemoTeam(
        "onb",
        "Onboarding",
        "product",
        34,
        {},
        ("Clara Dubois", "Mateo García", "Emily Walsh"),
    ),
    DemoTeam(
        "ana",
        "Analytics",
        "product",
        28,
        {},
        ("Noah Schmidt", "Isabel Costa", "Ravi Iyer"),
    ),
    DemoTeam(
        "grw",
        "Growth",
        "product",
        20,
        {1: 15},
        ("Zoe Adams", "Felix Braun", "Lina Haddad"),
    ),
    DemoTeam(
        "mdb",
        "Merchant Dashboard",
        "product",
        30,
        {},
        ("Oscar Nilsson", "Julia Santos", "Ethan Brooks", "Maya Cohen"),
    ),
    DemoTeam(
        "sub",
        "Subscriptions",
        "product",
        30,
        {},
        ("Hugo Laurent", "Grace Kim", "Victor Popescu"),
    ),
)

# The contributor demo account works in one platform and one product team and
# writes some of their status updates.
DEV_TEAMS = ("idn", "chk")

# What each team builds on: the platform work its features may come to need.
FOUNDATIONS: dict[str, tuple[str, ...]] = {
    "chk": ("PAY-1", "PAY-3", "PAY-4", "IDN-2", "GW-1", "DATA-6", "DATA-8", "INFRA-9"),
    "mob": ("GW-12", "IDN-2", "DATA-8", "MSG-5", "INFRA-9", "GW-1", "IDN-7"),
    "onb": ("IDN-2", "IDN-7", "MSG-6", "DATA-6", "DATA-8", "GW-1", "GW-2"),
    "ana": ("DATA-1", "DATA-2", "DATA-7", "DATA-8", "IDN-8", "DATA-5"),
    "grw": ("DATA-6", "DATA-8", "MSG-5", "MSG-6", "IDN-8", "DATA-2"),
    "mdb": ("GW-1", "GW-2", "IDN-2", "IDN-3", "DATA-2", "MSG-4", "INFRA-9"),
    "sub": ("PAY-1", "PAY-4", "MSG-4", "MSG-6", "IDN-2", "GW-1", "DATA-2"),
}


def email_of(person: str) -> str:
    first, _, last = person.lower().partition(" ")
    return f"{first}.{last.replace(' ', '')}@example.com"
