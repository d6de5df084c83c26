"""Threats, screening and durable deals in a run (MODEL §4–§6): credible escalations in the disagreement
point, the screening protocol, negotiated durations, self-enforcement, renewal at expiry and tier shares.

The world is the summit-theory one (:func:`~tests.engine.test_summits_theory.pie_scenario`): two tariff
links with textbook parameters, no discounting, a summit on day 10, deals of ``D`` = 100 days. Expected
values come from the model's closed forms (``link_welfare`` and the bargaining formulas), never from a run.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.calibration import run_weights
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication, sample_params
from sim.engine.events import EventKind
from sim.engine.negotiation import disagreement
from sim.model.trade import link_welfare

from ..conftest import base_dict, link_terms, two_tariff_links
from .test_summits_theory import TARIFF, pie_scenario

D = 100.0  # the pie scenario's deal duration (and the talks' horizon)
SUMMIT = 10.0  # its summit, 2025-01-11
REVIEW = 14.0  # the default review period: reviews on days 14, 28, ...
PARTIES = ["US", "CN"]


def of_kind(events, kind: EventKind, instrument: str | None = None) -> list:
    return [e for e in events if e.kind == kind and (instrument is None or e.instrument == instrument)]


def engine_for(d: dict, run: int = 0, seed: int = 1) -> Engine:
    """The engine :func:`run_replication` would build for this run (same seeds), not yet started."""
    sc = scenario_from_dict(d)
    s_params, s_summit, s_actors, s_lic = np.random.SeedSequence(seed, spawn_key=(run,)).spawn(4)
    rng = np.random.default_rng(s_params)
    params = sample_params(sc, rng)
    return Engine(sc, params, [s_summit, s_actors, s_lic], run, True, run_weights(sc, params, rng))


def importer_rate(link: dict, tau: float) -> float:
    """The importer's welfare per day at total tariff ``tau`` against free trade (consumer surplus + revenue)."""
    w = link_welfare(link_terms(link), tau)
    return w.consumer + w.revenue


def exporter_rate(link: dict, tau: float) -> float:
    """The exporter's producer surplus per day at tariff ``tau`` against free trade (no short-run term)."""
    return link_welfare(link_terms(link), tau).producer


def no_margins(d: dict) -> dict:
    """Exporters' short-run margins off: every payoff is a constant rate times the days it holds."""
    for link in d["trade_links"].values():
        link["margin"] = 0.0
    return d


# ---------------------------------------------------------------- 1. credible escalations in d (MODEL §5)
def keeping_cost_us(horizon: float) -> float:
    """L: what keeping its tariff at 0.5 rather than reverting to the reference 0 costs the US over the
    horizon — its importer loss on the cn_us link (past its optimal tariff, so L > 0)."""
    link = two_tariff_links()["cn_us"]
    return (importer_rate(link, 0.0) - importer_rate(link, TARIFF)) * horizon


def escalation_case(a_us: float, items_us_only: bool = False) -> dict:
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["actors"]["US"]["audience"] = {"cost_bn": a_us}  # known: the US's cost of backing down
    if items_us_only:  # the only package: the US drops its tariff
        d["deal_space"]["items"] = [{"actor": "US", "instrument": "tariff", "values": [0.0]}]
        d["deal_space"]["transfers"] = []
    return d


def test_an_escalation_persists_in_d_iff_backing_down_costs_its_owner_more_than_keeping_it():
    """MODEL §5: "an escalated instrument persists iff persisting beats reverting for its owner, counting
    the audience cost of backing down" — a > L persists, a < L reverts."""
    big_l = keeping_cost_us(D)
    assert big_l > 1.0  # the comparison can go either way
    found = {}
    for a in (2.0 * big_l, 0.5 * big_l):
        e = engine_for(escalation_case(a))
        found[a] = disagreement(e.deals.table, D, PARTIES)
    d_kept, kept = found[2.0 * big_l]
    d_back, back = found[0.5 * big_l]
    assert kept == {}, "a > L: the escalated US tariff must persist in the disagreement point"
    assert back == {"US.tariff": 0.0}, "a < L: the US tariff must revert to its reference in d"
    # China's tariff persists in both (it gains from it: revenue above its consumers' loss)
    # the US's projected loss differs by exactly L: its own tariff's cost over the horizon
    assert float(d_kept["US"]) - float(d_back["US"]) == pytest.approx(big_l, rel=1e-9)


@pytest.mark.parametrize("factor, deal", [(2.0, True), (0.5, False)])
def test_a_deal_to_drop_the_escalation_happens_only_when_the_escalation_is_credible(factor, deal):
    """MODEL §4–§5: with the US's tariff reverting in d anyway, the only package (the US drops it) is no gain
    over d and no deal comes; kept in d, dropping it pays both sides (the US gains L, China its exports)."""
    res = run_replication(scenario_from_dict(escalation_case(factor * keeping_cost_us(D), True)), 1, 0)
    if deal:
        assert res.summary["deal_day"] == SUMMIT
        assert res.summary["deal_US.tariff"] == 0.0
    else:
        assert np.isnan(res.summary["deal_day"])
        (nodeal,) = of_kind(res.events, EventKind.NO_DEAL)
        assert nodeal.t == SUMMIT and nodeal.note == "no package leaves both sides better off"


# ----------------------------------------------------------------------- 2. screening in a run (MODEL §6)
def test_screening_under_complete_information_agrees_at_the_first_talk_and_the_proposer_takes_the_surplus():
    """MODEL §6: under complete information and transfers, agreement at the first talk iff S > d1 + d2;
    the responder is offered exactly its d, so the transfer is B (the US proposes: China gains 0) or −A
    (China proposes: the US gains 0), A and B each side's gain from the cuts."""
    d, a, b = pie_scenario({"protocol": "screening"})
    sc = scenario_from_dict(d)
    transfers = []
    for run in range(8):
        res = run_replication(sc, 1, run)
        assert res.summary["deal_day"] == SUMMIT, (
            "no deal at the first talk although S > d1 + d2: the responder's policy refuses an offer of exactly "
            "its disagreement value (accept_deal needs a gain > 0; the protocol accepts a gain >= 0), and the "
            f"refusal is logged as {[e.note for e in of_kind(res.events, EventKind.NO_DEAL)]}"
        )
        t = res.summary["deal_transfer.CN.US"]
        assert min(abs(t - b), abs(t + a)) < 1e-6, f"transfer {t} is neither B = {b} nor -A = {-a}"
        transfers.append(t > 0)
    assert len(set(transfers)) == 2  # both sides proposed in some run: the check above covers both branches


def test_screening_never_agrees_when_the_surplus_is_below_the_disagreement_point():
    """MODEL §6: no agreement when S < d1 + d2: the only package raises both tariffs to 1, which costs the
    two sides together even before the exporters' short-run losses."""
    d, _, _ = pie_scenario({"protocol": "screening"})
    d["deal_space"]["items"] = [
        {"actor": "US", "instrument": "tariff", "values": [1.0]},
        {"actor": "CN", "instrument": "tariff", "values": [1.0]},
    ]
    links = d["trade_links"]
    joint = sum(
        importer_rate(link, 1.0) + exporter_rate(link, 1.0) - importer_rate(link, TARIFF) - exporter_rate(link, TARIFF)
        for link in links.values()
    )
    assert joint < 0.0  # S − (d1 + d2) < 0 on the static terms alone
    sc = scenario_from_dict(d)
    for run in range(4):
        res = run_replication(sc, 1, run)
        assert np.isnan(res.summary["deal_day"])
        assert [e.note for e in of_kind(res.events, EventKind.NO_DEAL)] == ["no package leaves both sides better off"]


LO, HI, MULTIPLE = 10.0, 70.0, 0.5  # China's audience type a ~ U[LO, HI]; signing costs MULTIPLE·a


def test_screening_a_private_signing_cost_rejection_truncates_the_belief_at_the_offer():
    """MODEL §6: the US proposing (weights 10⁶:1: all but once in a million) screens China's signing cost
    v = m·a ~ U[m·LO, m·HI]: x* = clip((S − d_P + lo)/2, lo, hi) with d_P = 0 (the dispute is the status quo)
    and S = A + B; China rejects iff v > x*, and a rejection truncates the belief to a > x*/m (MODEL §5)."""
    d, a, b = pie_scenario({"protocol": "screening"})
    d["actors"]["CN"]["audience"] = {
        "cost_bn": {"dist": "uniform", "low": LO, "high": HI},
        "signing_multiple": MULTIPLE,
    }
    d["deal_space"]["weights"] = {"US": 1e6, "CN": 1.0}  # China proposes with probability 1e-6
    surplus = a + b
    lo, hi = MULTIPLE * LO, MULTIPLE * HI
    x_star = min(max((surplus + lo) / 2.0, lo), hi)
    assert lo < x_star < hi  # an interior offer: both answers have positive probability
    seen = set()
    for run in range(12):
        e = engine_for(d, run)
        e.env.run(until=SUMMIT + 1.0)
        a_true = e.reputation.true["CN"]
        notes = [ev.note for ev in of_kind(e.clock.events, EventKind.NO_DEAL)]
        if MULTIPLE * a_true <= x_star:
            assert e.deals.in_force and notes == [], f"China accepts x* = {x_star} above its cost {MULTIPLE * a_true}"
            # China gains x* over its d, so the transfer to the US is B − x*
            assert e.deals.terms["transfer.CN.US"] == pytest.approx(b - x_star, abs=1e-6)
            assert e.reputation.belief["CN"] == (LO, HI)
            seen.add("accepted")
        else:
            assert not e.deals.in_force and notes == ["CN rejects the offer"]
            assert e.reputation.belief["CN"] == pytest.approx((x_star / MULTIPLE, HI), abs=1e-9)
            seen.add("rejected")
    assert seen == {"accepted", "rejected"}


# --------------------------------------------------------------- 3. negotiated duration (MODEL §4–§5)
def test_the_negotiated_duration_is_one_on_offer_recorded_and_the_deal_expires_after_it():
    """MODEL §5: "duration D is a negotiated term". With transfers the Nash split gives each side half of
    S(D) − d(D), and the pie grows with D (both sides lose at a constant rate in the dispute), so the Nash
    product ((A + B)/2)² is largest at the longest duration on offer; the deal expires at signing + D."""
    durations = [5.0, 15.0]
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["meta"]["horizon_days"] = 60
    d["deal_space"]["durations_days"] = durations
    res = run_replication(scenario_from_dict(d), 1, 0)
    chosen = res.summary["deal_duration_days"]
    assert chosen in durations and chosen == max(durations)
    assert res.summary["deal_day"] == SUMMIT
    (expired,) = of_kind(res.events, EventKind.DEAL_EXPIRED)
    assert expired.t == SUMMIT + chosen
    snaps = of_kind(res.events, EventKind.EXPIRY)
    assert {(e.actor, e.t, e.new) for e in snaps} == {("US", SUMMIT + chosen, TARIFF), ("CN", SUMMIT + chosen, TARIFF)}


def test_a_renewable_deal_opens_renewal_talks_at_signing_plus_its_duration():
    """MODEL §5: "renewal talks open at expiry"."""
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["meta"]["horizon_days"] = 60
    d["deal_space"].update(durations_days=[5.0, 15.0], renew=True)
    res = run_replication(scenario_from_dict(d), 1, 0)
    chosen = res.summary["deal_duration_days"]
    talks = [e.t for e in of_kind(res.events, EventKind.TALKS) if e.note == "renewal talks at expiry"]
    assert talks[0] == SUMMIT + chosen
    assert not [e for e in res.events if e.t < SUMMIT + chosen and e.kind == EventKind.DEAL_EXPIRED]


# ------------------------------------------------------------------ 4. self-enforcement (MODEL §5)
US_OPTIMAL, CN_SMALL = 0.1, 0.02  # the US tariff at its optimum (1/export supply elasticity = ω), a token Chinese one


def paid_to_cut(self_enforcing: bool) -> dict:
    """The US cuts its optimal tariff, China its token tariff, and China pays the US at signing.

    Once the payment is made, keeping the cuts is a loss to the US (its terms-of-trade gain is worth more
    than China's token cut), so the deal is not self-enforcing for it."""
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["meta"]["horizon_days"] = 60
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = US_OPTIMAL
    d["actors"]["CN"]["instruments"]["tariff"].update(initial=CN_SMALL, step=0.01)
    d["deal_space"]["self_enforcing"] = self_enforcing
    return d


def us_keep_rate() -> float:
    """The US's welfare per day from keeping both cuts rather than both tariffs back (static terms)."""
    links = two_tariff_links()
    own = importer_rate(links["cn_us"], 0.0) - importer_rate(links["cn_us"], US_OPTIMAL)
    theirs = exporter_rate(links["us_cn"], 0.0) - exporter_rate(links["us_cn"], CN_SMALL)
    return own + theirs


def test_a_deal_no_longer_worth_keeping_is_broken_at_the_next_review_and_both_sides_snap_back():
    """MODEL §5: "at each decision epoch a deal must be self-enforcing: a side defects iff the one-off gain
    exceeds the discounted loss from reverting to the dispute"."""
    assert us_keep_rate() < 0.0  # after the payment, the US is better off with the tariffs back
    res = run_replication(scenario_from_dict(paid_to_cut(True)), 1, 0)
    assert res.summary["deal_day"] == SUMMIT and res.summary["deal_transfer.CN.US"] > 0.0
    (defect,) = of_kind(res.events, EventKind.DEFECT)
    assert defect.actor == "US" and defect.t == REVIEW  # the first review after signing on day 10
    assert "no longer self-enforcing" in defect.note
    snaps = {(e.actor, e.instrument, e.new) for e in of_kind(res.events, EventKind.EXPIRY) if e.t == REVIEW}
    assert snaps == {("US", "tariff", US_OPTIMAL), ("CN", "tariff", CN_SMALL)}  # China's concession too
    assert res.summary["deal_in_force_at_horizon"] is False


def test_without_self_enforcement_the_same_deal_is_kept():
    res = run_replication(scenario_from_dict(paid_to_cut(False)), 1, 0)
    assert res.summary["deal_day"] == SUMMIT
    assert of_kind(res.events, EventKind.DEFECT) == [] and of_kind(res.events, EventKind.EXPIRY) == []
    assert res.summary["deal_in_force_at_horizon"] is True


def test_a_deal_that_stays_individually_rational_is_never_broken():
    """Both tariffs past each side's optimum: each side gains from its own cut as well as the other's, so
    reverting never pays (MODEL §5), at any of the reviews on days 14, 28, 42 and 56."""
    links = two_tariff_links()
    for imp, exp in (("cn_us", "us_cn"), ("us_cn", "cn_us")):
        keep = importer_rate(links[imp], 0.0) - importer_rate(links[imp], TARIFF)
        keep += exporter_rate(links[exp], 0.0) - exporter_rate(links[exp], TARIFF)
        assert keep > 0.0
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["meta"]["horizon_days"] = 60
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert res.summary["deal_day"] == SUMMIT
    assert of_kind(res.events, EventKind.DEFECT) == []
    assert res.summary["deal_in_force_at_horizon"] is True


# ------------------------------------------------------------------- 5. renewal at expiry (MODEL §5)
CN_CHOKE = ("controls", "approval", "delay")
SHORT = 15.0  # a deal of 15 days from day 10: it expires on day 25


def renewal_case(renew: bool) -> dict:
    d, _, _ = pie_scenario({"protocol": "nash"})
    no_margins(d)
    d["meta"]["horizon_days"] = 35
    d["deal_space"].update(duration_days=SHORT, renew=renew)
    return d


def nash_transfer(days: float) -> float:
    """Without short-run terms each side's gain from the two cuts over ``days`` is its loss rate in the
    dispute times ``days``; the equal-weight Nash transfer is t = (B − A)/2."""
    links = two_tariff_links()
    rate = {"US": 0.0, "CN": 0.0}
    for link in links.values():
        rate[link["importer"]] += importer_rate(link, 0.0) - importer_rate(link, TARIFF)
        rate[link["exporter"]] += exporter_rate(link, 0.0) - exporter_rate(link, TARIFF)
    return (rate["CN"] - rate["US"]) * days / 2.0


def transfer_in(note: str) -> float:
    return float(note.split("transfer.CN.US=")[1].split(",")[0])


def test_without_renewal_the_instruments_snap_back_at_expiry():
    res = run_replication(scenario_from_dict(renewal_case(False)), 1, 0)
    assert res.summary["deal_transfer.CN.US"] == pytest.approx(nash_transfer(SHORT), abs=0.01)
    snaps = of_kind(res.events, EventKind.EXPIRY)
    assert {(e.actor, e.t, e.old, e.new) for e in snaps} == {("US", 25.0, 0.0, TARIFF), ("CN", 25.0, 0.0, TARIFF)}
    assert [e.t for e in of_kind(res.events, EventKind.DEAL_EXPIRED)] == [25.0]
    assert of_kind(res.events, EventKind.DEAL_RENEWED) == []


def test_renewal_talks_recompute_d_at_expiry_from_the_dispute_path():
    """MODEL §5: "renewal talks open at expiry with d recomputed" — d is the dispute path with no future
    agreement (MODEL §4), here both tariffs back at 0.5. Nothing else changed between day 10 and day 25
    (no short-run terms, no discounting), so the renewed deal repeats the first: t = (B − A)/2."""
    res = run_replication(scenario_from_dict(renewal_case(True)), 1, 0)
    first = res.summary["deal_transfer.CN.US"]
    assert first == pytest.approx(nash_transfer(SHORT), abs=0.01)
    renewed = of_kind(res.events, EventKind.DEAL_RENEWED)
    assert [e.t for e in renewed] == [25.0], (
        "the deal of day 10 is renewed at its expiry on day 25 (renewal talks project no deal from the deal's own "
        f"terms, so no package improves on it): {[(e.t, e.note) for e in res.events if e.instrument is None]}"
    )
    assert transfer_in(renewed[0].note) == pytest.approx(first, abs=0.01), (
        "renewal talks value no deal at the deal's own terms (the instruments are still at the deal's values "
        "when d is projected), not at the dispute the deal replaced: the renewed split is "
        f"{renewed[0].note!r}, expected the first deal's transfer {first:.4f}"
    )


def test_renewed_terms_follow_the_state_at_expiry():
    """MODEL §4: d "moves over time". Alternative supply of a withheld chokepoint ramps up during the deal,
    so at renewal the US's loss from a renewed cutoff is smaller: its d rises by some Δ > 0 while China's
    does not move (the baseline ramps alike), and the Nash split gives the US Δ/2 more — the transfer from
    China to the US rises."""
    d, _, _ = pie_scenario({"protocol": "nash"})
    no_margins(d)
    d["meta"]["horizon_days"] = 100
    base = base_dict()  # China's control, approval and delay instruments and the magnets chokepoint
    d["actors"]["CN"]["instruments"].update({k: base["actors"]["CN"]["instruments"][k] for k in CN_CHOKE})
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 2  # full licensing, nothing approved
    d["chokepoints"] = base["chokepoints"]
    d["chokepoints"]["magnets"]["alternative"] = {"ramp_per_year": 1.0, "review_days": 10}
    d["calibration"]["reference"].update({"CN.controls": 0, "CN.approval": 1.0, "CN.delay": 0})
    d["deal_space"].update(duration_days=30.0, renew=True)
    d["deal_space"]["items"].append({"actor": "CN", "instrument": "controls", "values": [0]})
    res = run_replication(scenario_from_dict(d), 1, 0)
    first = res.summary["deal_transfer.CN.US"]
    renewed = of_kind(res.events, EventKind.DEAL_RENEWED)
    assert renewed and renewed[0].t == SUMMIT + 30.0, (
        "the deal is renewed at its expiry (renewal talks project no deal from the deal's own terms, so no "
        f"package improves on it): {[(e.t, e.note) for e in res.events if e.instrument is None]}"
    )
    assert transfer_in(renewed[0].note) > first, (
        f"renewal at day 40 after 30 days of alternative supply: {renewed[0].note!r}; first deal's transfer {first}"
    )


# ---------------------------------------------------------------------------- 6. tier shares (MODEL §4)
def test_a_mixed_part_holds_its_first_option_for_its_share_of_the_duration_then_switches():
    """MODEL §4: "a tier concession is (tier, f) with f the share of the deal's duration it is suspended;
    payoffs are linear in f, which convexifies the frontier". One part, the US tariff at 0 or 0.1 (from
    0.5), no transfers, weights 3:1, no short-run terms: the payoffs are u_i = a_i + s·b_i with s the share
    held at 0.1, and the weighted Nash product is largest at s = −(w1·b1·a2 + w2·b2·a1)/((w1 + w2)·b1·b2)."""
    d, _, _ = pie_scenario({"protocol": "nash"})
    no_margins(d)
    d["actors"]["CN"]["instruments"]["tariff"]["initial"] = 0.0  # only the cn_us link is in play
    d["deal_space"].update(transfers=[], weights={"US": 3, "CN": 1})
    d["deal_space"]["items"] = [{"actor": "US", "instrument": "tariff", "values": [0.0, US_OPTIMAL]}]
    link = d["trade_links"]["cn_us"]
    a1 = (importer_rate(link, 0.0) - importer_rate(link, TARIFF)) * D
    a2 = (exporter_rate(link, 0.0) - exporter_rate(link, TARIFF)) * D
    b1 = (importer_rate(link, US_OPTIMAL) - importer_rate(link, 0.0)) * D
    b2 = (exporter_rate(link, US_OPTIMAL) - exporter_rate(link, 0.0)) * D
    s = -(3 * b1 * a2 + 1 * b2 * a1) / (4 * b1 * b2)
    assert 0.05 < s < 0.95  # an interior mix
    res = run_replication(scenario_from_dict(d), 1, 0)
    moves = of_kind(res.events, EventKind.DEAL, "tariff")
    assert len(moves) == 2
    # which option leads is the protocol's choice; the share of the duration each holds is the formula's
    lead, then = moves
    share_first = s if lead.new == US_OPTIMAL else 1.0 - s
    assert {lead.new, then.new} == {0.0, US_OPTIMAL}
    assert lead.t == SUMMIT and "second option" not in lead.note
    assert then.t == pytest.approx(SUMMIT + share_first * D, abs=1e-6) and "second option" in then.note
    assert res.summary["deal_US.tariff_share"] == pytest.approx(share_first, abs=1e-6)
    assert res.summary["deal_US.tariff"] == lead.new
