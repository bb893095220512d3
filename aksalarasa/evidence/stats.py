"""The analysis library: pure functions over numbers, no Django.

Every function returns a small frozen dataclass (`Figure` or a bundle of them) carrying the
estimate, its confidence interval, n, the method's name, the p-value where there is one, and a
plain-language reading in Indonesian and English. With n under 10 the reading says plainly that
the figure is only a first indication.

Methods and sources (the tests check each against published worked examples or an independent
brute-force computation, see tests/test_stats.py):

- Cronbach's alpha with Feldt's F-based confidence interval (Feldt 1965; Feldt, Woodruff &
  Salih 1987).
- Paired before/after: Wilcoxon signed-rank (scipy), matched-pairs rank-biserial correlation
  (Kerby 2014), Hodges-Lehmann shift (median of Walsh averages, Hodges & Lehmann 1963) with its
  distribution-free interval from the signed-rank critical values (Hollander & Wolfe 1999,
  section 3.3), percentile bootstrap interval of the mean change, paired t-test with Cohen's dz.
- Unpaired: Mann-Whitney U (scipy) with Cliff's delta and its interval (Cliff 1996; Feng &
  Cliff 2004).
- Difference in differences: OLS with standard errors clustered by client (statsmodels).
- Interaction network (networkx) and indicator achievement.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import stats as sst

SMALL_N = 10
DEFAULT_LEVEL = 0.95
DEFAULT_SEED = 20230616  # the day of the reference event; any fixed seed keeps results reproducible
BOOTSTRAP_RESAMPLES = 2000
EXACT_SIGNRANK_LIMIT = 50  # exact no-ties signed-rank null distribution (Hodges-Lehmann interval)
# The Wilcoxon p-value is the exact conditional one (counted over doubled mid-ranks) up to this many
# changed pairs: about 20 ms at the limit; beyond it the normal approximation with tie and continuity
# corrections, which is then accurate to the third decimal.
EXACT_CONDITIONAL_LIMIT = 300
# Differences are rounded to this many decimals before ranking, so that changes equal in exact
# arithmetic (two subscale means that both rose by 1/3) tie instead of differing in the last bit.
# Subscale means have at most a few hundred items, far coarser than 1e-9.
DIFFERENCE_DECIMALS = 9
ZERO_RULE_ID = (
    "Pasangan tanpa perubahan (selisih 0) tetap dihitung di semua angka: ikut diberi peringkat (aturan "
    "Pratt) dan ikut dalam pergeseran Hodges-Lehmann; n menghitung semua pasangan."
)
ZERO_RULE_EN = (
    "Pairs with no change (difference 0) are kept in every figure: they are ranked (Pratt's rule) and "
    "take part in the Hodges-Lehmann shift; n counts every pair."
)


class StatsInputError(ValueError):
    """Input the analysis cannot take, with the reason in Indonesian and English."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en

    def message(self, language: str) -> str:
        return self.message_en if language.startswith("en") else self.message_id


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float


@dataclass(frozen=True)
class Figure:
    """One number the product shows, with everything needed to defend it."""

    key: str
    estimate: float | None
    n: int
    method: str
    ci: Interval | None = None
    p_value: float | None = None
    statistic: float | None = None
    reading_id: str = ""
    reading_en: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def small_n(self) -> bool:
        return self.n < SMALL_N

    def reading(self, language: str) -> str:
        return self.reading_en if language.startswith("en") else self.reading_id


# The methods in Indonesian (the English text is the canonical name, kept in the API and exports).
METHODS_ID = {
    "Cronbach's alpha, Feldt CI": "Alfa Cronbach, IK Feldt",
    "Wilcoxon signed-rank (no change in any pair)": "Uji peringkat bertanda Wilcoxon (tidak ada pasangan yang berubah)",
    "Wilcoxon signed-rank, exact (zeros ranked, ties counted exactly)": (
        "Uji peringkat bertanda Wilcoxon, eksak (selisih 0 ikut diperingkat, nilai kembar dihitung eksak)"
    ),
    "Wilcoxon signed-rank, normal approximation (zeros ranked, tie and continuity corrected)": (
        "Uji peringkat bertanda Wilcoxon, pendekatan normal (selisih 0 ikut diperingkat, koreksi nilai kembar "
        "dan kontinuitas)"
    ),
    "Matched-pairs rank-biserial correlation (Kerby 2014), zeros kept": (
        "Korelasi rank-biserial berpasangan (Kerby 2014), selisih 0 tetap dihitung"
    ),
    "Hodges-Lehmann shift (median of Walsh averages), signed-rank CI": (
        "Pergeseran Hodges-Lehmann (median rata-rata Walsh), IK peringkat bertanda"
    ),
    "Paired t-test (secondary view)": "Uji-t berpasangan (pelengkap)",
    "Cohen's dz = mean change / SD of changes": "Cohen's dz = rata-rata perubahan / simpangan baku perubahan",
    "Mann-Whitney U (after vs before, unpaired)": "Mann-Whitney U (sesudah lawan sebelum, tidak berpasangan)",
    "Cliff's delta (unbiased variance, Feng-Cliff t CI)": "Delta Cliff (varians tak bias, IK t Feng-Cliff)",
    "Difference in differences, OLS, SE clustered by client": (
        "Selisih dari selisih (DiD), OLS, galat baku dikelompokkan per klien"
    ),
    "Pre-trend check: OLS over the pre-event periods, treated x period, SE clustered by client": (
        "Uji tren sebelum acara: OLS atas periode sebelum acara, peserta x periode, galat baku per klien"
    ),
    "Distinct residents per client (networkx)": "Jumlah warga berbeda per klien (networkx)",
    "Share of client-resident ties among all ties": "Bagian hubungan klien-warga dari semua hubungan",
    "Network density (networkx)": "Kepadatan jaringan (networkx)",
    "Weighted achievement of the measured indicators: sum(weight x min(actual/target, 1)) / sum(weight)": (
        "Capaian tertimbang indikator terukur: jumlah(bobot x min(capaian/target, 1)) / jumlah(bobot)"
    ),
}


def method_text(method: str, language: str) -> str:
    """The method's name in the reader's language (English is the canonical text)."""
    if language.startswith("en"):
        return method
    if method.startswith("Mean change, percentile bootstrap CI"):
        return method.replace(
            "Mean change, percentile bootstrap CI", "Rata-rata perubahan, IK bootstrap persentil"
        ).replace("resamples, seed", "sampel ulang, benih")
    return METHODS_ID.get(method, method)


# --- formatting of readings -------------------------------------------------------------------


def _fmt(value: float | None, language: str, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "id" else text


def _fmt_p(p: float | None, language: str) -> str:
    """The p-value alone: "0,012" or "< 0,001" (a table cell)."""
    if p is None:
        return "—"
    if p < 0.001:
        return "< 0,001" if language == "id" else "< 0.001"
    return _fmt(p, language, 3)


def p_expression(p: float | None, language: str, name: str = "p") -> str:
    """The p-value in a sentence: "p = 0,012" or "p < 0,001", never "p = < 0,001"."""
    text = _fmt_p(p, language)
    return f"{name} {text}" if text.startswith("<") else f"{name} = {text}"


def _ci_text(ci: Interval | None, language: str, digits: int = 2) -> str:
    if ci is None:
        return ""
    pct = round(ci.level * 100)
    if language == "id":
        return f" (IK {pct}%: {_fmt(ci.low, 'id', digits)} sampai {_fmt(ci.high, 'id', digits)})"
    return f" ({pct}% CI: {_fmt(ci.low, 'en', digits)} to {_fmt(ci.high, 'en', digits)})"


def _small_n_note(n: int) -> tuple[str, str]:
    if n >= SMALL_N:
        return "", ""
    return (
        f" Jumlahnya kecil (n={n}, kurang dari {SMALL_N}): anggap ini petunjuk awal, bukan bukti.",
        f" The number is small (n={n}, under {SMALL_N}): treat this as a first indication, not proof.",
    )


def _not_enough(key: str, n: int, method: str, need_id: str, need_en: str) -> Figure:
    return Figure(
        key=key,
        estimate=None,
        n=n,
        method=method,
        reading_id=f"Belum bisa dihitung: {need_id} (n={n}).",
        reading_en=f"Cannot be computed yet: {need_en} (n={n}).",
    )


def _clean(values: Iterable[float | None]) -> np.ndarray:
    arr = np.asarray([np.nan if v is None else float(v) for v in values], dtype=float)
    return arr


# --- subscale scoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    key: str
    subscale: str
    reverse: bool = False


def score_subscales(
    answers: Mapping[str, int], items: Sequence[ItemSpec], *, scale_min: int, scale_max: int
) -> dict[str, float]:
    """The scoring rule: the mean of a subscale's items, reverse-scored items mirrored first.

    A reverse-scored answer v becomes (scale_min + scale_max - v). Subscales with no answered item
    are left out. An answer outside the scale is refused (StatsInputError), never scored.
    """
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for item in items:
        if item.key not in answers or answers[item.key] is None:
            continue
        value = answers[item.key]
        if not scale_min <= value <= scale_max:
            raise StatsInputError(
                f"Jawaban {value} untuk butir {item.key} di luar skala {scale_min}-{scale_max}.",
                f"Answer {value} to item {item.key} is outside the scale {scale_min}-{scale_max}.",
            )
        if item.reverse:
            value = scale_min + scale_max - value
        sums[item.subscale] = sums.get(item.subscale, 0.0) + value
        counts[item.subscale] = counts.get(item.subscale, 0) + 1
    return {name: sums[name] / counts[name] for name in sums}


# --- reliability --------------------------------------------------------------------------------


def holm_adjusted(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given: sorted ascending, the i-th smallest
    (0-based) times (m - i), made non-decreasing, capped at 1. The same numbers as statsmodels'
    `multipletests(method="holm")` (tests/test_evidence_analysis.py compares them), without the
    full garbage collection that function runs on every call (0.2 s in a small process, seconds in
    a large one: on every evidence page and report)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(v) for v in adjusted]


def cronbach_alpha(matrix: Sequence[Sequence[float]], *, level: float = DEFAULT_LEVEL) -> Figure:
    """Cronbach's alpha of a respondents x items matrix, with Feldt's confidence interval.

    alpha = k/(k-1) * (1 - sum(item variances) / variance(total score)).

    Feldt (1965), Feldt, Woodruff & Salih (1987): (1 - alpha) / (1 - alpha_hat) follows an F
    distribution with n-1 and (n-1)(k-1) degrees of freedom, so with g = 1 - level

        low  = 1 - (1 - alpha_hat) * F(1 - g/2; n-1, (n-1)(k-1))
        high = 1 - (1 - alpha_hat) * F(g/2;     n-1, (n-1)(k-1))

    Rows with a missing answer are left out (listwise), and n counts the complete rows.
    """
    method = "Cronbach's alpha, Feldt CI"
    arr = np.asarray(matrix, dtype=float)
    if arr.ndim != 2:
        arr = arr.reshape(0, 0)
    arr = arr[~np.isnan(arr).any(axis=1)] if arr.size else arr
    n = int(arr.shape[0]) if arr.size else 0
    k = int(arr.shape[1]) if arr.size else 0
    if n < 3 or k < 2:
        return _not_enough(
            "alpha",
            n,
            method,
            "perlu minimal 3 responden lengkap dan 2 butir",
            "needs at least 3 complete respondents and 2 items",
        )
    item_var = arr.var(axis=0, ddof=1).sum()
    total_var = arr.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return _not_enough("alpha", n, method, "semua skor total sama", "every total score is the same")
    alpha = k / (k - 1) * (1 - item_var / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    g = 1 - level
    low = 1 - (1 - alpha) * sst.f.ppf(1 - g / 2, df1, df2)
    high = 1 - (1 - alpha) * sst.f.ppf(g / 2, df1, df2)
    ci = Interval(float(low), float(high), level)
    if alpha >= 0.8:
        verdict = ("baik", "good")
    elif alpha >= 0.7:
        verdict = ("memadai", "acceptable")
    elif alpha >= 0.6:
        verdict = ("lemah", "weak")
    else:
        verdict = (
            "kurang: butir-butirnya belum mengukur hal yang sama",
            "poor: the items do not yet measure one thing",
        )
    small_id, small_en = _small_n_note(n)
    return Figure(
        key="alpha",
        estimate=float(alpha),
        n=n,
        method=method,
        ci=ci,
        reading_id=f"Konsistensi butir {verdict[0]}: alfa {_fmt(alpha, 'id')}{_ci_text(ci, 'id')}, {k} butir.{small_id}",
        reading_en=f"Item consistency is {verdict[1]}: alpha {_fmt(alpha, 'en')}{_ci_text(ci, 'en')}, {k} items.{small_en}",
        details={"items": k},
    )


# --- paired before/after -------------------------------------------------------------------------


def signrank_null_counts(n: int) -> np.ndarray:
    """Counts of sign assignments giving each value 0..n(n+1)/2 of T+ (no ties): exact null."""
    counts = np.zeros(n * (n + 1) // 2 + 1, dtype=float)
    counts[0] = 1
    top = 0
    for k in range(1, n + 1):
        counts[k : top + k + 1] += counts[: top + 1].copy()
        top += k
    return counts


def signrank_lower_critical(n: int, level: float) -> int:
    """R's qsignrank((1-level)/2, n), at least 1: the rank of the lower Walsh-average bound.

    Exact up to EXACT_SIGNRANK_LIMIT, the normal approximation beyond.
    """
    g = (1 - level) / 2
    m = n * (n + 1) // 2
    if n <= EXACT_SIGNRANK_LIMIT:
        cdf = np.cumsum(signrank_null_counts(n)) / 2.0**n
        qu = int(np.searchsorted(cdf, g - 1e-12))  # smallest x with P(T+ <= x) >= g
    else:
        z = sst.norm.ppf(1 - g)
        qu = int(math.floor(m / 2 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    return max(qu, 1)


def walsh_order_statistic(sorted_d: np.ndarray, k: int) -> float:
    """The k-th smallest (1-based) Walsh average (d_i + d_j)/2, i <= j, in O(n log n log range).

    No n^2 array: bisect on the value, counting the Walsh averages at or below it with one
    vectorised searchsorted, then snap to the largest actual Walsh average at or below the
    converged bound (so the answer is exactly one of the averages, not an approximation).
    """
    d = sorted_d
    n = d.size
    idx = np.arange(n)

    def count_le(t: float) -> int:
        # pairs i <= j with d_i + d_j <= 2t: j ranges from i to searchsorted(2t - d_i) - 1
        upper = np.searchsorted(d, 2 * t - d, side="right")
        return int(np.clip(upper - idx, 0, None).sum())

    lo, hi = float(d[0]) - 1.0, float(d[-1])
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        if count_le(mid) >= k:
            hi = mid
        else:
            lo = mid
    upper = np.searchsorted(d, 2 * hi - d, side="right") - 1
    valid = upper >= idx
    candidates = (d[valid] + d[upper[valid]]) / 2
    return float(candidates.max())


DISCRETE_LIMIT = 2000  # distinct differences up to which Walsh averages are counted by value


def walsh_order_statistics_discrete(d: np.ndarray, ks: Sequence[int]) -> list[float]:
    """The ks-th smallest (1-based) Walsh averages when the differences take few distinct values
    (Likert subscale means do): the averages of every pair of distinct values, weighted by how many
    pairs give them (c_i c_j for i < j, c_i (c_i + 1) / 2 for i = j), in O(m^2) for m distinct
    values, independent of n. Exact."""
    values, counts = np.unique(d, return_counts=True)
    counts = counts.astype(float)
    i, j = np.triu_indices(values.size)
    averages = (values[i] + values[j]) / 2
    weights = np.where(i == j, counts[i] * (counts[i] + 1) / 2, counts[i] * counts[j])
    order = np.argsort(averages, kind="stable")
    averages, cumulative = averages[order], np.cumsum(weights[order])
    return [float(averages[np.searchsorted(cumulative, k - 0.5)]) for k in ks]


def hodges_lehmann(
    differences: Sequence[float] | np.ndarray, *, level: float = DEFAULT_LEVEL
) -> tuple[float, Interval | None, float]:
    """Median of the Walsh averages and its distribution-free interval.

    Zero differences are kept (they are part of the shift estimate); R's wilcox.test drops them,
    which overstates the shift on Likert data where many people do not change. The interval takes
    the qu-th smallest and qu-th largest Walsh averages, qu from the signed-rank null distribution
    (Hollander & Wolfe 1999, 3.3; the same rule as R's wilcox.test). With ties the achieved level
    is approximate. Returns (estimate, interval, achieved level).
    """
    d = np.sort(exact_differences(differences))
    n = d.size
    m = n * (n + 1) // 2
    discrete = np.unique(d).size <= DISCRETE_LIMIT

    def order_statistics(ks: list[int]) -> list[float]:
        if discrete:
            return walsh_order_statistics_discrete(d, ks)
        return [walsh_order_statistic(d, k) for k in ks]

    qu = signrank_lower_critical(n, level)
    middle = [(m + 1) // 2] if m % 2 else [m // 2, m // 2 + 1]
    bounds = [qu, m - qu + 1] if n >= 2 and qu <= m - qu + 1 else []
    values = order_statistics(middle + bounds)
    estimate = sum(values[: len(middle)]) / len(middle)
    if not bounds:
        return estimate, None, float("nan")
    low, high = values[len(middle) :]
    if n <= EXACT_SIGNRANK_LIMIT:
        achieved = 1 - 2 * float(np.cumsum(signrank_null_counts(n))[qu - 1]) / 2.0**n
    else:
        achieved = level
    return estimate, Interval(low, high, level), achieved


def exact_differences(differences: Iterable[float]) -> np.ndarray:
    """Differences rounded to DIFFERENCE_DECIMALS, so that equal changes tie exactly (and -0.0 is 0)."""
    return np.round(np.asarray(list(differences), dtype=float), DIFFERENCE_DECIMALS) + 0.0


def doubled_signed_ranks(differences: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pratt's ranking: mid-ranks of |d| over every pair, zeros included, doubled to integers.

    Returns (doubled ranks of the non-zero differences, their signs). A zero difference takes a
    rank (so it pushes the others up) but has no sign, so it adds to neither T+ nor T-.
    """
    d = exact_differences(differences)
    doubled = np.rint(2 * sst.rankdata(np.abs(d))).astype(np.int64)
    nonzero = d != 0
    return doubled[nonzero], np.sign(d[nonzero]).astype(np.int64)


def signed_rank_distribution(doubled_ranks: Sequence[int] | np.ndarray) -> np.ndarray:
    """Exact null distribution of 2T+ given the (tied, doubled) ranks: pmf[k] = P(2T+ = k).

    Each non-zero difference is + or - with probability 1/2 under no change, so 2T+ is a sum of
    independent terms 0 or r_i. Counted by adding shifted copies, one distinct rank at a time (a
    binomial over the c differences sharing a rank), in O(n x sum of ranks).
    """
    values, counts = np.unique(np.asarray(doubled_ranks, dtype=np.int64), return_counts=True)
    pmf = np.ones(1)
    for value, count in zip(values.tolist(), counts.tolist(), strict=True):
        weights = sst.binom.pmf(np.arange(count + 1), count, 0.5)
        grown = np.zeros(pmf.size + value * count)
        for j, w in enumerate(weights):
            grown[j * value : j * value + pmf.size] += w * pmf
        pmf = grown
    return pmf


def rank_biserial_paired(differences: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Matched-pairs rank-biserial correlation (Kerby 2014) with zeros kept:
    (T+ - T-) / (n(n+1)/2), ranks by Pratt's rule over every pair.

    A pair that did not change counts as neither a rise nor a fall, so many unchanged people pull
    r towards 0 (Kerby's (T+ - T-)/(T+ + T-) would leave them out). Returns (r, T+, T-).
    """
    ranks, signs = doubled_signed_ranks(differences)
    n = len(differences)
    if n == 0:
        return 0.0, 0.0, 0.0
    t_plus = float(ranks[signs > 0].sum()) / 2
    t_minus = float(ranks[signs < 0].sum()) / 2
    return (t_plus - t_minus) / (n * (n + 1) / 2), t_plus, t_minus


def wilcoxon_signed_rank(differences: Sequence[float] | np.ndarray) -> tuple[float, float, str]:
    """Two-sided Wilcoxon signed-rank test of the differences; returns (statistic, p, method).

    Zeros by Pratt's rule (ranked, no sign), ranks on differences rounded so that equal changes
    tie. The p-value is the exact conditional one, P(|T+ - E| >= |t+ - E|) over all 2^n sign
    assignments of the observed (mid-)ranks, counted exactly on the doubled ranks (integers) for
    up to EXACT_CONDITIONAL_LIMIT changed pairs, with or without ties; beyond that the normal
    approximation with tie and continuity corrections. The statistic is min(T+, T-).
    """
    ranks, signs = doubled_signed_ranks(differences)
    if ranks.size == 0:
        return 0.0, 1.0, "Wilcoxon signed-rank (no change in any pair)"
    total = int(ranks.sum())
    t2 = int(ranks[signs > 0].sum())  # 2 T+
    statistic = min(t2, total - t2) / 2
    distance = abs(2 * t2 - total)
    if ranks.size <= EXACT_CONDITIONAL_LIMIT:
        pmf = signed_rank_distribution(ranks)
        k = np.arange(pmf.size)
        p = float(pmf[np.abs(2 * k - total) >= distance].sum())
        label = "Wilcoxon signed-rank, exact (zeros ranked, ties counted exactly)"
    else:
        # T+ has mean total/4 and variance sum(r^2)/16 in doubled units /2: work in T+ units.
        mean = total / 4
        sd = math.sqrt(float((ranks.astype(float) ** 2).sum()) / 16)
        z = max(abs(t2 / 2 - mean) - 0.5, 0.0) / sd if sd > 0 else 0.0
        p = float(2 * sst.norm.sf(z))
        label = "Wilcoxon signed-rank, normal approximation (zeros ranked, tie and continuity corrected)"
    return float(statistic), min(1.0, p), label


def bootstrap_mean_ci(
    differences: Sequence[float] | np.ndarray,
    *,
    level: float = DEFAULT_LEVEL,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Interval:
    """Percentile bootstrap interval of the mean difference (not BCa: BCa's acceleration breaks on
    discrete Likert data with many identical values).

    Resampling n values with replacement is drawn as a multinomial over the distinct values with
    their observed frequencies: the same distribution of resampled means, in O(resamples x
    distinct values) instead of O(resamples x n).
    """
    d = np.asarray(differences, dtype=float)
    values, counts = np.unique(d, return_counts=True)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(d.size, counts / d.size, size=resamples)
    means = draws @ values / d.size
    g = (1 - level) / 2
    low, high = np.quantile(means, [g, 1 - g])
    return Interval(float(low), float(high), level)


@dataclass(frozen=True)
class PairedResult:
    n: int
    mean_before: float | None
    mean_after: float | None
    wilcoxon: Figure
    rank_biserial: Figure
    hodges_lehmann: Figure
    mean_change: Figure
    t_test: Figure
    cohens_dz: Figure

    @property
    def figures(self) -> list[Figure]:
        return [
            self.hodges_lehmann,
            self.wilcoxon,
            self.rank_biserial,
            self.mean_change,
            self.t_test,
            self.cohens_dz,
        ]


def _direction(value: float, language: str) -> str:
    if value > 0:
        return "naik" if language == "id" else "rose"
    if value < 0:
        return "turun" if language == "id" else "fell"
    return "tidak berubah" if language == "id" else "did not change"


def _p_words(p: float, language: str, n: int) -> str:
    """The p-value in words. Below SMALL_N no sentence claims a change is unlikely to be chance."""
    expr = p_expression(p, language)
    if n < SMALL_N:
        return (
            f"dengan kurang dari {SMALL_N} orang uji ini belum bisa membedakan perubahan dari kebetulan ({expr})"
            if language == "id"
            else f"with fewer than {SMALL_N} people this test cannot yet tell a change from chance ({expr})"
        )
    if p < 0.05:
        return (
            f"perubahan ini kecil kemungkinannya kebetulan ({expr})"
            if language == "id"
            else f"this change is unlikely to be chance ({expr})"
        )
    return (
        f"perubahan ini bisa saja kebetulan ({expr})"
        if language == "id"
        else f"this change could be chance ({expr})"
    )


def _size_words(r: float, language: str) -> str:
    a = abs(r)
    if a < 0.1:
        return "sangat kecil" if language == "id" else "negligible"
    if a < 0.3:
        return "kecil" if language == "id" else "small"
    if a < 0.5:
        return "sedang" if language == "id" else "moderate"
    return "besar" if language == "id" else "large"


def paired_analysis(
    before: Sequence[float],
    after: Sequence[float],
    *,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> PairedResult | None:
    """Before/after of the same people (pairs). Returns None with fewer than 2 pairs."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise StatsInputError(
            "Sebelum dan sesudah harus berpasangan: jumlah nilainya berbeda "
            f"({b.size} sebelum, {a.size} sesudah).",
            f"Before and after must be pairs: their counts differ ({b.size} before, {a.size} after).",
        )
    keep = ~(np.isnan(b) | np.isnan(a))
    b, a = b[keep], a[keep]
    n = int(b.size)
    if n < 2:
        return None
    d = exact_differences(a - b)
    small_id, small_en = _small_n_note(n)

    stat, p, w_method = wilcoxon_signed_rank(d)
    wilcoxon_fig = Figure(
        key="wilcoxon",
        estimate=stat,
        statistic=stat,
        p_value=p,
        n=n,
        method=w_method,
        reading_id=f"Uji peringkat bertanda Wilcoxon: {_p_words(p, 'id', n)}.{small_id}",
        reading_en=f"Wilcoxon signed-rank test: {_p_words(p, 'en', n)}.{small_en}",
        details={"zero_differences": int((d == 0).sum()), "zero_method": "pratt"},
    )

    r, t_plus, t_minus = rank_biserial_paired(d)
    rb_fig = Figure(
        key="rank_biserial",
        estimate=r,
        n=n,
        method="Matched-pairs rank-biserial correlation (Kerby 2014), zeros kept",
        reading_id=(
            f"Besar efek {_size_words(r, 'id')} (r = {_fmt(r, 'id')}): "
            f"{'lebih banyak yang naik daripada turun' if r > 0 else 'lebih banyak yang turun daripada naik' if r < 0 else 'naik dan turun seimbang'}.{small_id}"
        ),
        reading_en=(
            f"A {_size_words(r, 'en')} effect (r = {_fmt(r, 'en')}): "
            f"{'more people rose than fell' if r > 0 else 'more people fell than rose' if r < 0 else 'rises and falls balance'}.{small_en}"
        ),
        details={"t_plus": t_plus, "t_minus": t_minus},
    )

    hl, hl_ci, achieved = hodges_lehmann(d, level=level)
    hl_fig = Figure(
        key="hodges_lehmann",
        estimate=hl,
        ci=hl_ci,
        n=n,
        p_value=p,
        method="Hodges-Lehmann shift (median of Walsh averages), signed-rank CI",
        reading_id=(
            f"Skor khas {_direction(hl, 'id')} {_fmt(abs(hl), 'id')} poin{_ci_text(hl_ci, 'id')} "
            f"dari {n} pasang jawaban sebelum dan sesudah; {_p_words(p, 'id', n)}.{small_id}"
        ),
        reading_en=(
            f"The typical score {_direction(hl, 'en')} by {_fmt(abs(hl), 'en')} points{_ci_text(hl_ci, 'en')} "
            f"across {n} before/after pairs; {_p_words(p, 'en', n)}.{small_en}"
        ),
        details={"achieved_level": achieved},
    )

    mean_d = float(d.mean())
    boot = bootstrap_mean_ci(d, level=level, resamples=resamples, seed=seed)
    mean_fig = Figure(
        key="mean_change",
        estimate=mean_d,
        ci=boot,
        n=n,
        method=f"Mean change, percentile bootstrap CI ({resamples} resamples, seed {seed})",
        reading_id=f"Rata-rata perubahan {_fmt(mean_d, 'id')} poin{_ci_text(boot, 'id')}.{small_id}",
        reading_en=f"The mean change is {_fmt(mean_d, 'en')} points{_ci_text(boot, 'en')}.{small_en}",
    )

    sd = float(d.std(ddof=1))
    if sd > 0:
        tres = sst.ttest_1samp(d, 0.0)
        tci = tres.confidence_interval(confidence_level=level)
        t_ci = Interval(float(tci.low), float(tci.high), level)
        t_p = float(tres.pvalue)
        t_stat = float(tres.statistic)
        dz = mean_d / sd
    else:
        t_ci, t_p, t_stat, dz = None, None, None, None
    t_fig = Figure(
        key="t_test",
        estimate=mean_d,
        statistic=t_stat,
        p_value=t_p,
        ci=t_ci,
        n=n,
        method="Paired t-test (secondary view)",
        reading_id=(
            f"Uji-t berpasangan (pelengkap): rata-rata perubahan {_fmt(mean_d, 'id')}{_ci_text(t_ci, 'id')}, {p_expression(t_p, 'id')}.{small_id}"
        ),
        reading_en=(
            f"Paired t-test (secondary): mean change {_fmt(mean_d, 'en')}{_ci_text(t_ci, 'en')}, {p_expression(t_p, 'en')}.{small_en}"
        ),
    )
    dz_fig = Figure(
        key="cohens_dz",
        estimate=dz,
        n=n,
        method="Cohen's dz = mean change / SD of changes",
        reading_id=f"Cohen's dz = {_fmt(dz, 'id')} (perubahan rata-rata dibanding sebaran perubahan).{small_id}",
        reading_en=f"Cohen's dz = {_fmt(dz, 'en')} (mean change relative to the spread of changes).{small_en}",
    )
    return PairedResult(
        n=n,
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        wilcoxon=wilcoxon_fig,
        rank_biserial=rb_fig,
        hodges_lehmann=hl_fig,
        mean_change=mean_fig,
        t_test=t_fig,
        cohens_dz=dz_fig,
    )


# --- unpaired ---------------------------------------------------------------------------------


def cliffs_delta(
    treatment: Sequence[float], control: Sequence[float], *, level: float = DEFAULT_LEVEL
) -> tuple[float, Interval | None, float]:
    """Cliff's delta = P(X > Y) - P(X < Y) with its asymmetric interval.

    Variance: Cliff's (1996) unbiased estimate from the dominance row and column means;
    interval: Feng & Cliff (2004) form (d - d^3 +/- z s sqrt((1 - d^2)^2 + z^2 s^2)) /
    (1 - d^2 + z^2 s^2) with z the Student t quantile on n1 + n2 - 2 degrees of freedom (the
    defaults of R's effsize::cliff.delta). Computed from sorted values in O(n log n) without
    the n1 x n2 dominance matrix. Returns (delta, interval, variance).
    """
    x = np.sort(np.asarray(treatment, dtype=float))
    y = np.sort(np.asarray(control, dtype=float))
    n1, n2 = x.size, y.size
    # row means d_i. = (#y < x_i - #y > x_i) / n2 ; column means d_.j = (#x > y_j - #x < y_j) / n1
    y_below = np.searchsorted(y, x, side="left")
    y_above = n2 - np.searchsorted(y, x, side="right")
    x_above = n1 - np.searchsorted(x, y, side="right")
    x_below = np.searchsorted(x, y, side="left")
    row = (y_below - y_above) / n2
    col = (x_above - x_below) / n1
    delta = float(row.mean())
    if n1 < 2 or n2 < 2:
        return delta, None, float("nan")
    nonties = float((y_below + y_above).sum())  # sum of dominance^2
    total = n1 * n2
    sum_dom = delta * total
    ss = nonties - 2 * delta * sum_dom + total * delta**2
    # Cliff's unbiased variance; floored at (1 - d^2) / (n1 n2 - 1) as Cliff (1996) advises, since
    # the unbiased form can turn negative when one group dominates completely.
    var = (n2**2 * float(((row - delta) ** 2).sum()) + n1**2 * float(((col - delta) ** 2).sum()) - ss) / (
        total * (n1 - 1) * (n2 - 1)
    )
    var = max(var, (1 - delta**2) / (total - 1))
    z = sst.t.ppf(1 - (1 - level) / 2, n1 + n2 - 2)
    root = z * math.sqrt(max(var, 0.0)) * math.sqrt((1 - delta**2) ** 2 + z**2 * var)
    denom = 1 - delta**2 + z**2 * var
    if denom <= 0:
        return delta, None, var
    low = (delta - delta**3 - root) / denom
    high = (delta - delta**3 + root) / denom
    return delta, Interval(float(max(-1.0, low)), float(min(1.0, high)), level), float(var)


@dataclass(frozen=True)
class UnpairedResult:
    n_before: int
    n_after: int
    median_before: float | None
    median_after: float | None
    mann_whitney: Figure
    cliffs_delta: Figure

    @property
    def figures(self) -> list[Figure]:
        return [self.cliffs_delta, self.mann_whitney]


def unpaired_analysis(
    before: Sequence[float], after: Sequence[float], *, level: float = DEFAULT_LEVEL
) -> UnpairedResult | None:
    """Two independent groups (e.g. residents who did not keep their code): after vs before."""
    b = _clean(before)
    a = _clean(after)
    b, a = b[~np.isnan(b)], a[~np.isnan(a)]
    if b.size < 1 or a.size < 1:
        return None
    n = int(a.size + b.size)
    small_id, small_en = _small_n_note(min(a.size, b.size))
    res = sst.mannwhitneyu(a, b, alternative="two-sided", method="auto")
    p = float(res.pvalue)
    mw = Figure(
        key="mann_whitney",
        estimate=float(res.statistic),
        statistic=float(res.statistic),
        p_value=p,
        n=n,
        method="Mann-Whitney U (after vs before, unpaired)",
        reading_id=f"Uji Mann-Whitney (kelompok tidak berpasangan): {_p_words(p, 'id', int(min(a.size, b.size)))}.{small_id}",
        reading_en=f"Mann-Whitney test (unpaired groups): {_p_words(p, 'en', int(min(a.size, b.size)))}.{small_en}",
        details={"n_before": int(b.size), "n_after": int(a.size)},
    )
    delta, ci, _var = cliffs_delta(a, b, level=level)
    cd = Figure(
        key="cliffs_delta",
        estimate=delta,
        ci=ci,
        p_value=p,
        n=n,
        method="Cliff's delta (unbiased variance, Feng-Cliff t CI)",
        reading_id=(
            f"Peluang skor sesudah lebih tinggi dari skor sebelum dikurangi kebalikannya: {_fmt(delta, 'id')}"
            f"{_ci_text(ci, 'id')}, efek {_size_words(delta, 'id')}; {b.size} jawaban sebelum, {a.size} sesudah.{small_id}"
        ),
        reading_en=(
            f"Chance an after score beats a before score minus the reverse: {_fmt(delta, 'en')}"
            f"{_ci_text(ci, 'en')}, a {_size_words(delta, 'en')} effect; {b.size} before, {a.size} after.{small_en}"
        ),
    )
    return UnpairedResult(
        n_before=int(b.size),
        n_after=int(a.size),
        median_before=float(np.median(b)),
        median_after=float(np.median(a)),
        mann_whitney=mw,
        cliffs_delta=cd,
    )


# --- difference in differences --------------------------------------------------------------------


@dataclass(frozen=True)
class DidRow:
    client: int | str
    treated: bool
    post: bool
    value: float


DID_LIMITS = (
    " Batas desain ini: peserta tidak dipilih acak, pembanding hanya disamakan kategori dan jenis "
    "programnya, dan perubahan lain di waktu yang sama (petugas, musim, aturan) tidak bisa dipisahkan; "
    "angka ini menunjukkan perbedaan perubahan, bukan bukti sebab-akibat.",
    " What this design cannot show: participants were not chosen at random, comparison clients are "
    "matched only on category and programme type, and other changes at the same time (officers, "
    "season, rules) cannot be separated out; the figure is a difference in change, not proof of cause.",
)


def difference_in_differences(
    rows: Sequence[DidRow],
    *,
    level: float = DEFAULT_LEVEL,
    what: tuple[str, str] = ("nilai", "value"),
    digits: int = 2,
    comparison: tuple[str, str] = ("", ""),
) -> Figure:
    """value ~ treated + post + treated:post by OLS, standard errors clustered by client.

    One row per client and period (each client weighs the same). The treated:post coefficient is
    the difference in differences (participants' change minus comparable non-participants'
    change). Cluster-robust (CR1) standard errors, t quantiles with G-1 degrees of freedom.
    """
    from statsmodels.regression.linear_model import OLS  # lighter to import than statsmodels.api

    method = "Difference in differences, OLS, SE clustered by client"
    rows = [r for r in rows if r.value is not None and not math.isnan(r.value)]
    n_clients = len({r.client for r in rows})
    cells = {
        (t, p): [r.value for r in rows if r.treated == t and r.post == p]
        for t in (True, False)
        for p in (True, False)
    }
    if any(len(v) == 0 for v in cells.values()) or n_clients < 3:
        return _not_enough(
            "did",
            n_clients,
            method,
            "perlu data peserta dan pembanding, sebelum dan sesudah",
            "needs participants and comparison clients, before and after",
        )
    y = np.array([r.value for r in rows], dtype=float)
    treated = np.array([1.0 if r.treated else 0.0 for r in rows])
    post = np.array([1.0 if r.post else 0.0 for r in rows])
    x = np.column_stack([np.ones_like(y), treated, post, treated * post])
    codes = {c: i for i, c in enumerate(sorted({str(r.client) for r in rows}))}
    groups = np.array([codes[str(r.client)] for r in rows])
    with np.errstate(invalid="ignore"):  # other coefficients' variance may be 0 or slightly negative
        fit = OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        estimate = float(fit.params[3])
        se = float(fit.bse[3])
        if not math.isfinite(se) or se == 0:
            ci = None
            p = None
            t_value = None
        else:
            low, high = fit.conf_int(alpha=1 - level)[3]
            ci = Interval(float(low), float(high), level)
            p = float(fit.pvalues[3])
            t_value = float(fit.tvalues[3])
    means = {
        f"{'participants' if t else 'comparison'}_{'after' if p_ else 'before'}": float(np.mean(v))
        for (t, p_), v in cells.items()
    }
    n_treated = len({r.client for r in rows if r.treated})
    small_id, small_en = _small_n_note(n_treated)
    p_id = f"; {_p_words(p, 'id', n_treated)}" if p is not None else ""
    p_en = f"; {_p_words(p, 'en', n_treated)}" if p is not None else ""
    return Figure(
        key="did",
        estimate=estimate,
        ci=ci,
        p_value=p,
        statistic=t_value,
        n=n_clients,
        method=method,
        reading_id=(
            f"Dibanding klien pembanding yang serupa, {what[0]} peserta berubah {_fmt(estimate, 'id', digits)} "
            f"lebih {'banyak' if estimate >= 0 else 'sedikit'}{_ci_text(ci, 'id', digits)}; {n_treated} peserta, "
            f"{n_clients - n_treated} pembanding{p_id}.{small_id}{comparison[0]}{DID_LIMITS[0]}"
        ),
        reading_en=(
            f"Compared with similar non-participants, participants' {what[1]} changed by {_fmt(estimate, 'en', digits)} "
            f"{'more' if estimate >= 0 else 'less'}{_ci_text(ci, 'en', digits)}; {n_treated} participants, "
            f"{n_clients - n_treated} comparison clients{p_en}.{small_en}{comparison[1]}{DID_LIMITS[1]}"
        ),
        details={
            "means": means,
            "n_participants": n_treated,
            "n_comparison": n_clients - n_treated,
            "rows": len(rows),
        },
    )


@dataclass(frozen=True)
class TrendRow:
    client: int | str
    treated: bool
    period: int  # 0, 1, 2 ... in time order, before the event only
    value: float


def pre_trend_check(rows: Sequence[TrendRow], *, level: float = DEFAULT_LEVEL) -> Figure | None:
    """Do participants and comparison clients move in parallel BEFORE the event?

    value ~ treated + period + treated:period by OLS over the pre-event periods, standard errors
    clustered by client; the treated:period coefficient is the difference in slopes per period.
    A clear difference (p < 0.05) warns that the difference in differences may be biased. Needs
    two or more pre-periods with both groups; returns None otherwise.
    """
    from statsmodels.regression.linear_model import OLS

    rows = [r for r in rows if r.value is not None and not math.isnan(r.value)]
    periods = sorted({r.period for r in rows})
    groups_per_period = {p: {r.treated for r in rows if r.period == p} for p in periods}
    usable = [p for p in periods if groups_per_period[p] == {True, False}]
    if len(usable) < 2:
        return None
    rows = [r for r in rows if r.period in usable]
    n_clients = len({r.client for r in rows})
    if n_clients < 3:
        return None
    y = np.array([r.value for r in rows], dtype=float)
    treated = np.array([1.0 if r.treated else 0.0 for r in rows])
    period = np.array([float(r.period) for r in rows])
    x = np.column_stack([np.ones_like(y), treated, period, treated * period])
    codes = {c: i for i, c in enumerate(sorted({str(r.client) for r in rows}))}
    groups = np.array([codes[str(r.client)] for r in rows])
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        slope = float(fit.params[3])
        se = float(fit.bse[3])
        p = float(fit.pvalues[3]) if math.isfinite(se) and se > 0 else None
    k = len(usable)
    if p is None:
        verdict = (
            "tren sebelum acara tidak bisa diuji (tidak ada variasi)",
            "the trends before the event cannot be tested (no variation)",
        )
    elif p < 0.05:
        verdict = (
            f"peserta dan pembanding sudah bergerak berbeda sebelum acara ({p_expression(p, 'id')}): "
            "selisih perubahan di atas bisa bias",
            f"participants and comparison clients already moved differently before the event "
            f"({p_expression(p, 'en')}): the difference in change above may be biased",
        )
    else:
        verdict = (
            f"tidak tampak perbedaan tren sebelum acara ({p_expression(p, 'id')}); ini tidak membuktikan "
            "tren benar-benar sejajar",
            f"no difference in trends before the event is visible ({p_expression(p, 'en')}); this does not "
            "prove the trends were parallel",
        )
    return Figure(
        key="pre_trend",
        estimate=slope,
        p_value=p,
        n=n_clients,
        method="Pre-trend check: OLS over the pre-event periods, treated x period, SE clustered by client",
        reading_id=f"Uji tren sebelum acara ({k} periode): {verdict[0]}.",
        reading_en=f"Pre-event trend check ({k} periods): {verdict[1]}.",
        details={"periods": k},
    )


# --- interaction network ------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkResult:
    nodes: dict[str, str]  # node id -> kind ("client", "resident", "officer", "official")
    edges: list[tuple[str, str]]
    residents_per_client: Figure
    client_resident_share: Figure
    density: Figure
    per_client: dict[str, int]

    @property
    def figures(self) -> list[Figure]:
        return [self.residents_per_client, self.client_resident_share, self.density]


def interaction_network(nodes: Mapping[str, str], interactions: Iterable[tuple[str, str]]) -> NetworkResult:
    """Who worked or talked with whom at the event, as an undirected simple graph (networkx).

    - distinct residents per client: the mean number of different residents each client is tied to
      (clients with none count as 0);
    - share of client-resident ties: edges joining a client and a resident over all edges;
    - density: edges / possible edges among all participants.
    Repeated interactions of the same pair count once; self-loops are ignored.
    """
    import networkx as nx

    graph = nx.Graph()
    for node, kind in nodes.items():
        graph.add_node(node, kind=kind)
    for a, b in interactions:
        if a != b and a in graph and b in graph:
            graph.add_edge(a, b)
    clients = [v for v, k in nodes.items() if k == "client"]
    per_client = {
        c: sum(1 for other in graph.neighbors(c) if graph.nodes[other]["kind"] == "resident") for c in clients
    }
    n_edges = graph.number_of_edges()
    mixed = sum(
        1
        for a, b in graph.edges()
        if {graph.nodes[a]["kind"], graph.nodes[b]["kind"]} == {"client", "resident"}
    )
    mean_res = float(np.mean(list(per_client.values()))) if clients else None
    share = mixed / n_edges if n_edges else None
    density = float(nx.density(graph)) if graph.number_of_nodes() > 1 else None
    nc = len(clients)
    small_id, small_en = _small_n_note(nc)
    rpc = Figure(
        key="residents_per_client",
        estimate=mean_res,
        n=nc,
        method="Distinct residents per client (networkx)",
        reading_id=f"Rata-rata setiap klien berinteraksi dengan {_fmt(mean_res, 'id', 1)} warga berbeda ({nc} klien).{small_id}",
        reading_en=f"On average each client interacted with {_fmt(mean_res, 'en', 1)} different residents ({nc} clients).{small_en}",
        details={"clients_without_resident": sum(1 for v in per_client.values() if v == 0)},
    )
    share_fig = Figure(
        key="client_resident_share",
        estimate=share,
        n=n_edges,
        method="Share of client-resident ties among all ties",
        reading_id=f"{_fmt((share or 0) * 100, 'id', 0)}% dari {n_edges} hubungan menghubungkan klien dengan warga.",
        reading_en=f"{_fmt((share or 0) * 100, 'en', 0)}% of {n_edges} ties join a client and a resident.",
    )
    dens = Figure(
        key="density",
        estimate=density,
        n=graph.number_of_nodes(),
        method="Network density (networkx)",
        reading_id=f"Kepadatan jaringan {_fmt(density, 'id')}: bagian dari semua pasangan yang mungkin yang benar-benar berinteraksi.",
        reading_en=f"Network density {_fmt(density, 'en')}: the share of all possible pairs that actually interacted.",
    )
    return NetworkResult(
        nodes=dict(nodes),
        edges=[(a, b) for a, b in graph.edges()],
        residents_per_client=rpc,
        client_resident_share=share_fig,
        density=dens,
        per_client=per_client,
    )


# --- indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    weight: float  # percent
    target: float
    actual: float | None
    higher_is_better: bool = True


@dataclass(frozen=True)
class IndicatorOutcome:
    name: str
    weight: float
    target: float
    actual: float | None
    achievement: float | None  # percent of target reached, capped at 100; None when not measured
    weighted: float  # contribution to the total, in percentage points
    problem_id: str = ""  # why it cannot be computed (a target of 0 or below), if so
    problem_en: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    indicators: list[IndicatorOutcome]
    total: Figure

    @property
    def unmeasured(self) -> list[IndicatorOutcome]:
        return [i for i in self.indicators if i.achievement is None]


def indicator_achievement(indicators: Sequence[IndicatorInput]) -> IndicatorResult:
    """Each indicator's achievement and the weighted total over the MEASURED indicators.

    achievement = actual / target x 100 (higher is better) or target / actual x 100 (lower is
    better, e.g. unexcused absences), capped at 100 so that overshooting one indicator cannot hide
    another. A target of 0 or below has no meaning as a percentage: that indicator is not computed
    and says why. The total is sum(weight x achievement) / sum(weight) over the measured
    indicators only (weights normalised), and the unmeasured ones are named apart: counting them
    as 0 would report a failure that was never measured.
    """
    outcomes = []
    measured_weight = 0.0
    weighted_sum = 0.0
    for ind in indicators:
        problem = ("", "")
        if ind.actual is None:
            ach = None
        elif ind.target <= 0:
            ach = None
            problem = (
                f"target {_fmt(ind.target, 'id', 1)} harus di atas 0",
                f"target {_fmt(ind.target, 'en', 1)} must be above 0",
            )
        elif ind.higher_is_better:
            ach = min(100.0, max(0.0, ind.actual / ind.target * 100))
        else:
            ach = 100.0 if ind.actual <= ind.target else min(100.0, max(0.0, ind.target / ind.actual * 100))
        if ach is not None:
            measured_weight += max(ind.weight, 0.0)
        outcomes.append(IndicatorOutcome(ind.name, ind.weight, ind.target, ind.actual, ach, 0.0, *problem))
    outcomes = [
        replace(o, weighted=o.weight * o.achievement / measured_weight)
        if o.achievement is not None and measured_weight
        else o
        for o in outcomes
    ]
    weighted_sum = sum(o.weighted for o in outcomes)
    measured = [o for o in outcomes if o.achievement is not None]
    missing = [o for o in outcomes if o.achievement is None]
    n = len(measured)

    def missing_names(language: str) -> str:
        return ", ".join(
            f"{o.name} ({o.problem_en if language == 'en' else o.problem_id})" if o.problem_id else o.name
            for o in missing
        )

    miss_id = f" Belum terukur, tidak dihitung: {missing_names('id')}." if missing else ""
    miss_en = f" Not measured, left out of the total: {missing_names('en')}." if missing else ""
    norm_id = (
        f" Bobot indikator terukur berjumlah {_fmt(measured_weight, 'id', 0)}%, dinormalkan ke 100%."
        if n and abs(measured_weight - 100) > 0.01
        else ""
    )
    norm_en = (
        f" The measured indicators' weights add up to {_fmt(measured_weight, 'en', 0)}%, normalised to 100%."
        if n and abs(measured_weight - 100) > 0.01
        else ""
    )
    if n:
        head_id = f"Capaian tertimbang {_fmt(weighted_sum, 'id', 1)}% dari {n} indikator terukur."
        head_en = f"Weighted achievement {_fmt(weighted_sum, 'en', 1)}% across {n} measured indicators."
    else:
        head_id, head_en = "Belum ada indikator yang terukur.", "No indicator is measured yet."
    total = Figure(
        key="indicator_total",
        estimate=weighted_sum if n else None,
        n=n,
        method="Weighted achievement of the measured indicators: sum(weight x min(actual/target, 1)) / sum(weight)",
        reading_id=f"{head_id}{miss_id}{norm_id}",
        reading_en=f"{head_en}{miss_en}{norm_en}",
        details={
            "missing": [o.name for o in missing],
            "total_weight": sum(max(i.weight, 0.0) for i in indicators),
            "measured_weight": measured_weight,
        },
    )
    return IndicatorResult(indicators=outcomes, total=total)
