"""The analysis library against reference values computed independently of it.

Each expected number below is either a published worked example (source named) or computed in the
test by a different route (brute-force enumeration, explicit loops, a hand-written sandwich
estimator); never a value produced by running aksalarasa.evidence.stats itself.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst

from aksalarasa.evidence import stats

# Darwin's Zea mays data (cross- minus self-fertilised heights, eighths of an inch), used in the
# scipy.stats.wilcoxon documentation: statistic 24.0, two-sided exact p-value 0.041259765625.
DARWIN = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]

# Hollander & Wolfe (1973, p. 29f; 1999 Example 3.1), the R wilcox.test documentation example:
# Hamilton depression scale factor IV at the first (x) and second (y) visit of 9 patients.
# R: wilcox.test(x, y, paired = TRUE, alternative = "greater") -> V = 40, p-value = 0.01953.
# Hollander & Wolfe's Hodges-Lehmann estimate of the shift: 0.46.
HW_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def exact_mid_ranks(values: list[Fraction]) -> list[Fraction]:
    """Mid-ranks (1-based) of exact numbers, by sorting: an independent route from rankdata."""
    order = sorted(values)
    first: dict[Fraction, int] = {}
    count: dict[Fraction, int] = {}
    for i, v in enumerate(order, start=1):
        first.setdefault(v, i)
        count[v] = count.get(v, 0) + 1
    return [first[v] + Fraction(count[v] - 1, 2) for v in values]


def brute_signrank_p(d: list) -> float:
    """Two-sided exact p of the signed-rank statistic by enumerating all 2^n sign assignments.

    Pratt's rule, the product's zero rule: every |d| is ranked (zeros included, mid-ranks for
    ties, in exact arithmetic when given Fractions); only the non-zero ones get a sign."""
    exact = [Fraction(v) for v in d]
    all_ranks = exact_mid_ranks([abs(v) for v in exact])
    nz = [v for v in exact if v != 0]
    ranks = [r for r, v in zip(all_ranks, exact, strict=True) if v != 0]
    observed = sum(r for r, v in zip(ranks, nz, strict=True) if v > 0)
    total = sum(ranks)
    centre = total / 2
    extreme = 0
    count = 0
    for signs in itertools.product((0, 1), repeat=len(nz)):
        t_plus = sum(r for r, s in zip(ranks, signs, strict=True) if s)
        count += 1
        if abs(t_plus - centre) >= abs(observed - centre):
            extreme += 1
    return extreme / count


def brute_walsh(d: list[float]) -> list[float]:
    return sorted((d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d)))


# --- Wilcoxon signed-rank -----------------------------------------------------------------------


def test_wilcoxon_matches_scipy_documentation_example_darwin():
    stat, p, method = stats.wilcoxon_signed_rank(DARWIN)
    assert stat == 24.0
    assert p == pytest.approx(0.041259765625, abs=1e-12)
    assert "exact" in method


def test_wilcoxon_exact_p_equals_enumeration_of_all_sign_assignments():
    assert stats.wilcoxon_signed_rank(DARWIN)[1] == pytest.approx(brute_signrank_p(DARWIN), abs=1e-12)


def test_wilcoxon_hollander_wolfe_example_matches_r_output():
    d = [x - y for x, y in zip(HW_X, HW_Y, strict=True)]
    stat, p, _ = stats.wilcoxon_signed_rank(d)
    # R's one-sided p = 0.01953 (= 10/512); the two-sided p is twice that.
    assert p == pytest.approx(2 * 0.01953125, abs=1e-9)
    _, t_plus, t_minus = stats.rank_biserial_paired(d)
    assert t_plus == 40  # R's V
    assert stat == t_minus == 5


def test_wilcoxon_with_ties_uses_exact_conditional_enumeration():
    d = [1, 1, 2, -1, 0.5, 0.5, 1, 2, 1, 0, 0]  # ties in |d| and two zero differences
    _, p, method = stats.wilcoxon_signed_rank(d)
    assert "exact" in method and "zeros ranked" in method
    assert p == pytest.approx(brute_signrank_p(d), abs=1e-12)


# Subscale means of three items: both people below rose by exactly 1/3 (7/3 -> 8/3 and 1 -> 4/3),
# but in floating point 8/3 - 7/3 and 4/3 - 1 differ in the last bit. Ranked as floats the two
# differences do not tie and the "exact, no ties" path reports a different p-value.
FLOAT_MEANS_BEFORE = [(2 + 2 + 3) / 3, (1 + 1 + 1) / 3, (3 + 3 + 4) / 3, (2 + 3 + 3) / 3, (1 + 2 + 2) / 3,
                      (4 + 4 + 4) / 3, (2 + 2 + 2) / 3, (3 + 3 + 3) / 3, (1 + 1 + 2) / 3, (2 + 3 + 4) / 3,
                      (3 + 4 + 4) / 3, (1 + 2 + 3) / 3]  # fmt: skip
FLOAT_MEANS_AFTER = [(2 + 3 + 3) / 3, (1 + 1 + 2) / 3, (3 + 4 + 4) / 3, (3 + 3 + 3) / 3, (2 + 2 + 2) / 3,
                     (4 + 4 + 3) / 3, (2 + 2 + 3) / 3, (3 + 3 + 4) / 3, (1 + 2 + 2) / 3, (2 + 3 + 3) / 3,
                     (4 + 4 + 4) / 3, (1 + 2 + 4) / 3]  # fmt: skip
FLOAT_MEANS_EXACT = [  # the same differences in exact arithmetic (item sums / 3)
    Fraction(8 - 7, 3), Fraction(4 - 3, 3), Fraction(11 - 10, 3), Fraction(9 - 8, 3), Fraction(6 - 5, 3),
    Fraction(11 - 12, 3), Fraction(7 - 6, 3), Fraction(10 - 9, 3), Fraction(5 - 4, 3), Fraction(8 - 9, 3),
    Fraction(12 - 11, 3), Fraction(7 - 6, 3),
]  # fmt: skip


def test_float_means_that_changed_equally_tie_in_test_rank_biserial_and_hodges_lehmann():
    floats = [a - b for a, b in zip(FLOAT_MEANS_AFTER, FLOAT_MEANS_BEFORE, strict=True)]
    assert len(set(abs(v) for v in floats)) > 1  # the data really does differ in the last bit
    assert {abs(v) for v in FLOAT_MEANS_EXACT} == {Fraction(1, 3)}  # ... where exact arithmetic ties
    _, p, _ = stats.wilcoxon_signed_rank(floats)
    assert p == pytest.approx(brute_signrank_p(FLOAT_MEANS_EXACT), abs=1e-12)
    # 12 tied ranks of 6.5, two negative: T+ = 65, T- = 13
    r, t_plus, t_minus = stats.rank_biserial_paired(floats)
    assert (t_plus, t_minus) == (65, 13)
    assert r == pytest.approx((65 - 13) / 78)
    hl, ci, _ = stats.hodges_lehmann(floats)
    assert hl == pytest.approx(1 / 3, abs=1e-9)  # rounded to the stated 9 decimals
    walsh = brute_walsh(sorted(float(v) for v in FLOAT_MEANS_EXACT))
    assert ci is not None and any(abs(ci.low - w) < 1e-9 for w in walsh)
    result = stats.paired_analysis(FLOAT_MEANS_BEFORE, FLOAT_MEANS_AFTER)
    assert result.wilcoxon.p_value == pytest.approx(brute_signrank_p(FLOAT_MEANS_EXACT), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=2, max_size=14), st.sampled_from([1, 3, 5]))
def test_wilcoxon_exact_p_equals_enumeration_with_ties_and_zeros_on_float_means(sums, items):
    """Likert-like data: many ties and zeros, differences of item means computed in floats."""
    floats = [(s + 7 * items) / items - 7 for s in sums]  # float round-trip of s / items
    exact = [Fraction(s, items) for s in sums]
    assert stats.wilcoxon_signed_rank(floats)[1] == pytest.approx(brute_signrank_p(exact), abs=1e-9)


@pytest.mark.parametrize("n", [17, 25, 40, 50])
def test_exact_conditional_distribution_is_exact_for_17_to_50_pairs_with_ties(n):
    """Beyond brute force: the counted distribution of 2T+ sums to one, is symmetric, and without
    ties equals the classic signed-rank null distribution; with ties its p equals a direct sum."""
    rng = np.random.default_rng(n)
    d = rng.integers(-3, 4, size=n).astype(float) / 3  # ties and zeros
    ranks, signs = stats.doubled_signed_ranks(d)
    pmf = stats.signed_rank_distribution(ranks)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(pmf, pmf[::-1], atol=1e-15)
    no_ties = stats.signed_rank_distribution(2 * np.arange(1, n + 1))
    classic = stats.signrank_null_counts(n) / 2.0**n
    assert np.allclose(no_ties[::2], classic, atol=1e-15)
    _, p, method = stats.wilcoxon_signed_rank(d)
    assert "exact" in method
    total, t2 = ranks.sum(), ranks[signs > 0].sum()
    k = np.arange(pmf.size)
    assert p == pytest.approx(pmf[np.abs(2 * k - total) >= abs(2 * t2 - total)].sum(), abs=1e-12)
    # and a Monte Carlo of random sign flips agrees within its error
    flips = rng.integers(0, 2, size=(40000, ranks.size))
    sims = (flips * ranks).sum(axis=1)
    mc = float(np.mean(np.abs(2 * sims - total) >= abs(2 * t2 - total)))
    assert p == pytest.approx(mc, abs=0.02)


def test_large_samples_use_the_normal_approximation_with_continuity_correction():
    d = np.tile([1.0, -1.0, 2.0, 0.0, 1.0], 100)  # 500 pairs
    _, p, method = stats.wilcoxon_signed_rank(d)
    assert "normal approximation" in method and "continuity" in method
    ranks, signs = stats.doubled_signed_ranks(d)
    t_plus = ranks[signs > 0].sum() / 2
    mean, sd = ranks.sum() / 4, math.sqrt((ranks.astype(float) ** 2).sum() / 16)
    z = (abs(t_plus - mean) - 0.5) / sd
    assert p == pytest.approx(2 * sst.norm.sf(z), rel=1e-12)


def test_one_zero_rule_for_the_whole_paired_analysis_and_it_is_stated():
    before = [3, 3, 3, 3, 2, 2, 4, 3, 3, 2, 3, 3]
    after = [3, 3, 3, 3, 3, 3, 4, 4, 4, 3, 4, 2]  # five unchanged
    res = stats.paired_analysis(before, after)
    assert res.wilcoxon.details["zero_method"] == "pratt"
    assert res.wilcoxon.details["zero_differences"] == 5
    d = [a - b for a, b in zip(after, before, strict=True)]
    assert res.wilcoxon.p_value == pytest.approx(brute_signrank_p(d), abs=1e-12)
    # rank-biserial over every pair: zeros ranked 1..5 (mid 3), +1 x6 mid-rank 8.5... by hand:
    r, t_plus, t_minus = stats.rank_biserial_paired(d)
    ranks = exact_mid_ranks([abs(Fraction(v)) for v in d])
    assert t_plus == sum(rk for rk, v in zip(ranks, d, strict=True) if v > 0)
    assert r == pytest.approx((t_plus - t_minus) / (12 * 13 / 2))
    # Hodges-Lehmann keeps the zeros too: median of all Walsh averages
    assert res.hodges_lehmann.estimate == pytest.approx(float(np.median(brute_walsh(sorted(d)))))
    assert "Pratt" in stats.ZERO_RULE_EN and "Pratt" in stats.ZERO_RULE_ID
    assert "zeros" in res.wilcoxon.method and "zeros kept" in res.rank_biserial.method


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-30, 30).filter(lambda v: v != 0), min_size=2, max_size=12, unique_by=abs))
def test_wilcoxon_exact_p_equals_enumeration_without_ties(d):
    assert stats.wilcoxon_signed_rank(d)[1] == pytest.approx(brute_signrank_p(d), abs=1e-9)


def test_wilcoxon_all_zero_differences_reports_no_change():
    stat, p, method = stats.wilcoxon_signed_rank([0, 0, 0])
    assert p == 1.0
    assert "no change" in method


# --- rank-biserial ---------------------------------------------------------------------------


def test_rank_biserial_darwin_by_hand():
    # Ranks of |d|: the negatives -48 and -67 have ranks 10 and 14, so T- = 24, T+ = 120 - 24 = 96
    # and r = (96 - 24) / 120 = 0.6 (Kerby 2014, simple difference formula).
    r, t_plus, t_minus = stats.rank_biserial_paired(DARWIN)
    assert (t_plus, t_minus) == (96, 24)
    assert r == pytest.approx(0.6)


# --- Hodges-Lehmann ---------------------------------------------------------------------------


def test_hodges_lehmann_hollander_wolfe_estimate_and_interval():
    d = [x - y for x, y in zip(HW_X, HW_Y, strict=True)]
    estimate, ci, achieved = stats.hodges_lehmann(d, level=0.95)
    assert estimate == pytest.approx(0.46)  # Hollander & Wolfe's published estimate
    # Independent route for the interval: the null distribution of T+ by enumerating all 2^9 sign
    # assignments; qu = smallest t with P(T+ <= t) >= 0.025 (R's qsignrank rule); the interval is
    # the qu-th smallest and qu-th largest of the 45 Walsh averages listed by brute force.
    n = len(d)
    t_values = [
        sum(k for k, s in zip(range(1, n + 1), signs, strict=True) if s)
        for signs in itertools.product((0, 1), repeat=n)
    ]
    cdf = lambda t: sum(1 for v in t_values if v <= t) / 2**n  # noqa: E731
    qu = next(t for t in range(0, 46) if cdf(t) >= 0.025)
    assert qu == 6
    walsh = brute_walsh(d)
    assert ci.low == pytest.approx(walsh[qu - 1])
    assert ci.high == pytest.approx(walsh[len(walsh) - qu])
    assert (ci.low, ci.high) == (pytest.approx(0.010), pytest.approx(0.786))
    assert achieved == pytest.approx(1 - 2 * cdf(qu - 1))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-16, 16), min_size=1, max_size=40),
    st.sampled_from([1, 3, 4, 7]),
)
def test_walsh_order_statistics_equal_brute_force(values, items):
    # Likert-like differences: subscale means of `items` items give multiples of 1/items.
    d = np.sort(np.array(values, dtype=float) / items)
    walsh = brute_walsh(list(d))
    for k in {1, len(walsh), (len(walsh) + 1) // 2, max(1, len(walsh) // 3)}:
        assert stats.walsh_order_statistic(d, k) == pytest.approx(walsh[k - 1], abs=1e-12)


def test_hodges_lehmann_large_sample_matches_brute_force_median():
    rng = np.random.default_rng(7)
    d = rng.integers(-8, 12, 1500) / 4
    walsh = np.sort((d[:, None] + d[None, :])[np.triu_indices(d.size)] / 2)
    estimate, ci, _ = stats.hodges_lehmann(d)
    assert estimate == pytest.approx(float(np.median(walsh)))
    # the normal-approximation critical value for large n
    m = walsh.size
    qu = math.floor(m / 2 - sst.norm.ppf(0.975) * math.sqrt(d.size * (d.size + 1) * (2 * d.size + 1) / 24))
    assert ci.low == pytest.approx(walsh[qu - 1])
    assert ci.high == pytest.approx(walsh[m - qu])


# --- bootstrap, t-test, Cohen's dz -------------------------------------------------------------


def test_bootstrap_interval_agrees_with_plain_index_resampling():
    rng = np.random.default_rng(3)
    d = rng.integers(-3, 6, 40) / 4
    ci = stats.bootstrap_mean_ci(d, resamples=4000, seed=11)
    # independent route: resample indices the textbook way
    plain = np.random.default_rng(99).choice(d, size=(4000, d.size), replace=True).mean(axis=1)
    low, high = np.quantile(plain, [0.025, 0.975])
    assert ci.low == pytest.approx(low, abs=0.04)
    assert ci.high == pytest.approx(high, abs=0.04)
    assert ci.low < d.mean() < ci.high


def test_bootstrap_is_reproducible_and_degenerate_when_nobody_varies():
    d = [0.5] * 12
    assert stats.bootstrap_mean_ci(d, seed=1) == stats.bootstrap_mean_ci(d, seed=1)
    ci = stats.bootstrap_mean_ci(d)
    assert (ci.low, ci.high) == (0.5, 0.5)


def test_paired_t_and_cohens_dz_by_hand():
    before = [2, 3, 1]
    after = [3, 5, 4]  # d = 1, 2, 3: mean 2, SD 1, dz = 2, t = 2 / (1 / sqrt 3)
    res = stats.paired_analysis(before, after)
    assert res.cohens_dz.estimate == pytest.approx(2.0)
    assert res.t_test.statistic == pytest.approx(2 * math.sqrt(3))
    half = sst.t.ppf(0.975, 2) / math.sqrt(3)  # t quantile x SD / sqrt(n)
    assert res.t_test.ci.low == pytest.approx(2 - half)
    assert res.t_test.ci.high == pytest.approx(2 + half)
    assert res.mean_before == pytest.approx(2.0)
    assert res.mean_after == pytest.approx(4.0)


def test_small_n_is_said_plainly_in_both_languages():
    res = stats.paired_analysis([1, 2, 3, 2, 3], [2, 3, 3, 4, 4])
    for fig in res.figures:
        assert fig.small_n
        assert "n=5" in fig.reading_id and "kurang dari 10" in fig.reading_id
        assert "n=5" in fig.reading_en and "under 10" in fig.reading_en
    big = stats.paired_analysis(list(range(12)), [v + 1 for v in range(12)])
    assert "under 10" not in big.hodges_lehmann.reading_en


def test_paired_analysis_refuses_mismatched_lengths_and_handles_one_pair():
    with pytest.raises(stats.StatsInputError) as caught:
        stats.paired_analysis([1, 2], [1])
    assert "2 sebelum, 1 sesudah" in caught.value.message("id")
    assert "2 before, 1 after" in caught.value.message("en")
    assert stats.paired_analysis([1], [2]) is None


def test_below_ten_pairs_no_reading_says_unlikely_to_be_chance():
    # 8 people all rose: the exact p is 2/256 < 0.05, but 8 pairs cannot carry that sentence
    res = stats.paired_analysis([1, 2, 3, 2, 3, 1, 2, 2], [2, 3, 4, 3, 4, 3, 4, 5])
    assert res.wilcoxon.p_value < 0.05
    for fig in res.figures:
        assert "unlikely to be chance" not in fig.reading_en
        assert "kecil kemungkinannya kebetulan" not in fig.reading_id
    assert "cannot yet tell a change from chance" in res.wilcoxon.reading_en
    big = stats.paired_analysis(list(range(12)), [v + 1 for v in range(12)])
    assert "unlikely to be chance" in big.wilcoxon.reading_en


def test_tiny_p_is_written_p_less_than_never_p_equals_less_than():
    res = stats.paired_analysis(list(range(40)), [v + 1 + (v % 3) for v in range(40)])
    assert res.wilcoxon.p_value < 0.001
    for fig in res.figures:
        for text in (fig.reading_id, fig.reading_en):
            assert "= <" not in text and "=<" not in text
    assert "p < 0,001" in res.wilcoxon.reading_id and "p < 0.001" in res.wilcoxon.reading_en
    assert stats.p_expression(0.0123, "id") == "p = 0,012"


def test_answers_outside_the_scale_are_refused_by_the_scoring_rule():
    items = [stats.ItemSpec("a", "s"), stats.ItemSpec("b", "s")]
    with pytest.raises(stats.StatsInputError) as caught:
        stats.score_subscales({"a": 3, "b": 7}, items, scale_min=1, scale_max=5)
    assert "1-5" in caught.value.message("id")


# --- Mann-Whitney and Cliff's delta ----------------------------------------------------------------


def test_cliffs_delta_matches_effsize_published_example():
    # R package effsize, cliff.delta documentation/test example (defaults: unbiased variance,
    # Student t): delta estimate -0.25, 95% CI -0.7265846 to 0.3890062.
    treatment = [10, 10, 20, 20, 20, 30, 30, 30, 40, 50]
    control = [10, 20, 30, 40, 40, 50]
    delta, ci, _ = stats.cliffs_delta(treatment, control)
    assert delta == pytest.approx(-0.25)
    assert ci.low == pytest.approx(-0.7265846, abs=1e-7)
    assert ci.high == pytest.approx(0.3890062, abs=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=30), st.lists(st.integers(1, 5), min_size=2, max_size=30)
)
def test_cliffs_delta_equals_counting_every_pair(x, y):
    wins = sum((a > b) - (a < b) for a in x for b in y)
    assert stats.cliffs_delta(x, y)[0] == pytest.approx(wins / (len(x) * len(y)))


def test_unpaired_analysis_mann_whitney_u_by_counting():
    before = [2, 3, 3, 4, 2, 3]
    after = [4, 4, 3, 5, 4]
    res = stats.unpaired_analysis(before, after)
    u = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in after for b in before)
    assert res.mann_whitney.statistic == pytest.approx(u)
    assert res.cliffs_delta.estimate > 0
    assert res.n_before == 6 and res.n_after == 5


# --- Cronbach's alpha ---------------------------------------------------------------------------


def hoyt_alpha(matrix: list[list[int]]) -> Fraction:
    """Independent route: Hoyt's (1941) two-way ANOVA, alpha = 1 - MS_residual / MS_persons,
    in exact fractions with explicit loops."""
    n, k = len(matrix), len(matrix[0])
    grand = Fraction(sum(map(sum, matrix)), n * k)
    person = [Fraction(sum(row), k) for row in matrix]
    item = [Fraction(sum(row[j] for row in matrix), n) for j in range(k)]
    ss_persons = k * sum((p - grand) ** 2 for p in person)
    ss_items = n * sum((i - grand) ** 2 for i in item)
    ss_total = sum((v - grand) ** 2 for row in matrix for v in row)
    ss_res = ss_total - ss_persons - ss_items
    return 1 - (ss_res / ((n - 1) * (k - 1))) / (ss_persons / (n - 1))


def test_cronbach_alpha_equals_hoyt_anova():
    matrix = [
        [4, 5, 4, 3],
        [2, 3, 2, 2],
        [5, 5, 4, 5],
        [3, 4, 3, 2],
        [4, 4, 5, 4],
        [1, 2, 2, 1],
        [3, 3, 4, 3],
    ]
    fig = stats.cronbach_alpha(matrix)
    assert fig.estimate == pytest.approx(float(hoyt_alpha(matrix)))
    assert fig.ci.low < fig.estimate < fig.ci.high
    assert fig.n == 7 and fig.small_n


def test_cronbach_alpha_feldt_interval_covers_the_true_value_95_percent():
    # Parallel items (true score + independent error) make Feldt's F-distribution exact, so its
    # 95% interval should cover the population alpha in about 95% of seeded simulated samples.
    rng = np.random.default_rng(2026)
    k, n, error_var = 4, 25, 1.5
    rho = 1 / (1 + error_var)
    true_alpha = k * rho / (1 + (k - 1) * rho)
    covered = 0
    reps = 800
    for _ in range(reps):
        true = rng.normal(size=(n, 1))
        data = true + rng.normal(scale=math.sqrt(error_var), size=(n, k))
        ci = stats.cronbach_alpha(data).ci
        covered += ci.low <= true_alpha <= ci.high
    assert 0.93 <= covered / reps <= 0.97


def test_cronbach_alpha_drops_incomplete_rows_and_refuses_too_little_data():
    fig = stats.cronbach_alpha([[1, 2], [2, float("nan")], [3, 3], [4, 5]])
    assert fig.n == 3
    assert stats.cronbach_alpha([[1, 2], [2, 3]]).estimate is None
    assert stats.cronbach_alpha([[3, 3], [3, 3], [3, 3]]).estimate is None


# --- subscale scoring ---------------------------------------------------------------------------


def test_score_subscales_mirrors_reverse_items():
    items = [
        stats.ItemSpec("a", "trust"),
        stats.ItemSpec("b", "trust", reverse=True),
        stats.ItemSpec("c", "distance"),
    ]
    scores = stats.score_subscales({"a": 5, "b": 2, "c": 3}, items, scale_min=1, scale_max=5)
    assert scores == {"trust": pytest.approx((5 + 4) / 2), "distance": 3.0}


# --- difference in differences --------------------------------------------------------------------


def test_did_equals_difference_of_cell_means_with_hand_clustered_errors():
    rows = []
    data = {
        # client: (treated, before, after)
        "p1": (True, 0.50, 0.90),
        "p2": (True, 0.60, 0.80),
        "p3": (True, 0.40, 0.85),
        "p4": (True, 0.70, 0.75),
        "c1": (False, 0.55, 0.60),
        "c2": (False, 0.60, 0.55),
        "c3": (False, 0.45, 0.55),
        "c4": (False, 0.50, 0.50),
        "c5": (False, 0.65, 0.70),
    }
    for client, (treated, pre, post) in data.items():
        rows.append(stats.DidRow(client, treated, False, pre))
        rows.append(stats.DidRow(client, treated, True, post))
    fig = stats.difference_in_differences(rows)
    t_change = np.mean([v[2] - v[1] for v in data.values() if v[0]])
    c_change = np.mean([v[2] - v[1] for v in data.values() if not v[0]])
    assert fig.estimate == pytest.approx(t_change - c_change)

    # Independent route: the CR1 cluster sandwich written out, t with G - 1 degrees of freedom.
    x = np.array([[1, r.treated, r.post, r.treated * r.post] for r in rows], dtype=float)
    y = np.array([r.value for r in rows])
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    resid = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    meat = np.zeros((4, 4))
    for client in data:
        idx = [i for i, r in enumerate(rows) if r.client == client]
        score = x[idx].T @ resid[idx]
        meat += np.outer(score, score)
    g, n_obs, k = len(data), len(rows), 4
    cov = (g / (g - 1)) * ((n_obs - 1) / (n_obs - k)) * bread @ meat @ bread
    se = math.sqrt(cov[3, 3])
    half = sst.t.ppf(0.975, g - 1) * se
    assert fig.ci.low == pytest.approx(beta[3] - half)
    assert fig.ci.high == pytest.approx(beta[3] + half)
    assert fig.n == 9
    assert fig.details["n_participants"] == 4
    assert "n=4" in fig.reading_en  # four participants: said plainly


def test_did_without_a_comparison_group_says_it_cannot_be_computed():
    rows = [stats.DidRow("p1", True, False, 0.5), stats.DidRow("p1", True, True, 0.9)]
    fig = stats.difference_in_differences(rows)
    assert fig.estimate is None
    assert "Cannot be computed" in fig.reading_en and "Belum bisa dihitung" in fig.reading_id


# --- interaction network ------------------------------------------------------------------------


def test_interaction_network_by_hand():
    nodes = {
        "c1": "client",
        "c2": "client",
        "c3": "client",
        "r1": "resident",
        "r2": "resident",
        "o1": "officer",
    }
    interactions = [
        ("c1", "r1"),
        ("c1", "r2"),
        ("r1", "c1"),
        ("c2", "r1"),
        ("c2", "o1"),
        ("r1", "r2"),
        ("c1", "c1"),
    ]
    net = stats.interaction_network(nodes, interactions)
    # distinct ties: c1-r1, c1-r2, c2-r1, c2-o1, r1-r2 = 5 edges; client-resident: 3
    assert net.per_client == {"c1": 2, "c2": 1, "c3": 0}
    assert net.residents_per_client.estimate == pytest.approx(1.0)
    assert net.client_resident_share.estimate == pytest.approx(3 / 5)
    assert net.density.estimate == pytest.approx(5 / (6 * 5 / 2))


# --- indicators --------------------------------------------------------------------------------


def test_indicator_achievement_and_weighted_total_by_hand():
    res = stats.indicator_achievement(
        [
            stats.IndicatorInput("attendance", 40, target=80, actual=60),  # 75%
            stats.IndicatorInput("residents", 30, target=20, actual=30),  # capped at 100%
            stats.IndicatorInput("absences", 10, target=2, actual=4, higher_is_better=False),  # 50%
            stats.IndicatorInput("stigma", 20, target=0.3, actual=None),  # not measured: 0
        ]
    )
    assert [i.achievement for i in res.indicators] == [75.0, 100.0, 50.0, None]
    # only the measured 80 % of weight counts, normalised; the unmeasured one is named apart
    assert res.total.estimate == pytest.approx((0.40 * 75 + 0.30 * 100 + 0.10 * 50) / 0.80)
    assert res.total.n == 3
    assert "Not measured, left out of the total: stigma" in res.total.reading_en
    assert "counted as 0" not in res.total.reading_en
    assert [o.name for o in res.unmeasured] == ["stigma"]


@pytest.mark.parametrize("target", [0, -5])
def test_a_target_of_zero_or_below_is_not_read_as_100_percent(target):
    res = stats.indicator_achievement(
        [stats.IndicatorInput("broken", 50, target=target, actual=3), stats.IndicatorInput("ok", 50, 10, 5)]
    )
    broken = res.indicators[0]
    assert broken.achievement is None
    assert "must be above 0" in broken.problem_en and "harus di atas 0" in broken.problem_id
    assert res.total.estimate == pytest.approx(50.0)
    assert "broken" in res.total.reading_en


def test_indicator_weights_not_adding_to_100_are_normalised():
    res = stats.indicator_achievement(
        [
            stats.IndicatorInput("a", 1, target=10, actual=5),
            stats.IndicatorInput("b", 1, target=10, actual=10),
        ]
    )
    assert res.total.estimate == pytest.approx(75.0)
    assert "normalised" in res.total.reading_en


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-16, 16), min_size=1, max_size=40), st.sampled_from([1, 3, 4]))
def test_discrete_walsh_order_statistics_equal_brute_force(values, items):
    d = np.sort(np.array(values, dtype=float) / items)
    walsh = brute_walsh(list(d))
    ks = sorted({1, len(walsh), (len(walsh) + 1) // 2, max(1, len(walsh) // 3)})
    got = stats.walsh_order_statistics_discrete(d, ks)
    assert got == pytest.approx([walsh[k - 1] for k in ks], abs=1e-12)


def test_hodges_lehmann_with_many_distinct_values_uses_bisection_and_matches_brute_force():
    d = np.random.default_rng(5).normal(0.3, 1, stats.DISCRETE_LIMIT + 100)
    assert np.unique(d).size > stats.DISCRETE_LIMIT
    walsh = np.sort((d[:, None] + d[None, :])[np.triu_indices(d.size)] / 2)
    estimate, ci, _ = stats.hodges_lehmann(d)
    assert estimate == pytest.approx(float(np.median(walsh)))
    m = walsh.size
    qu = math.floor(m / 2 - sst.norm.ppf(0.975) * math.sqrt(d.size * (d.size + 1) * (2 * d.size + 1) / 24))
    assert (ci.low, ci.high) == (pytest.approx(walsh[qu - 1]), pytest.approx(walsh[m - qu]))


def _holm_by_hand(p_values):
    """Holm as the textbook writes it: sort ascending, the k-th smallest (0-based) times (m - k),
    kept non-decreasing, capped at 1, put back in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=12))
def test_holm_adjusted_p_values_follow_the_textbook_in_the_order_given(p_values):
    from aksalarasa.evidence.stats import holm_adjusted

    ours = holm_adjusted(p_values)
    assert ours == pytest.approx(_holm_by_hand(p_values), abs=1e-12)
    assert all(p <= q <= 1.0 for p, q in zip(p_values, ours, strict=True))


def test_holm_adjusted_p_values_are_statsmodels_own():
    """The same numbers as statsmodels' multipletests (which runs a full garbage collection on
    every call: a few fixed lists here, the random ones above against the textbook)."""
    from statsmodels.stats.multitest import multipletests

    from aksalarasa.evidence.stats import holm_adjusted

    for p_values in (
        [0.04, 0.001, 0.03, 0.5],
        [0.02, 0.01, 0.02, 0.9],
        [0.6, 0.7],
        [0.0, 1.0, 0.25],
        [0.049],
    ):
        assert holm_adjusted(p_values) == pytest.approx(
            list(multipletests(p_values, method="holm")[1]), abs=1e-12
        )


def test_holm_adjusted_with_ties_and_the_cap():
    from aksalarasa.evidence.stats import holm_adjusted

    # 4 tests: 0.01 * 4, 0.02 * 3, then max(0.06, 0.02 * 2) for the tie, 0.9 * 1; past 1 is capped.
    assert holm_adjusted([0.02, 0.01, 0.02, 0.9]) == pytest.approx([0.06, 0.04, 0.06, 0.9])
    assert holm_adjusted([0.6, 0.7]) == pytest.approx([1.0, 1.0])
