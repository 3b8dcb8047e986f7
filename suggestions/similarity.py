"""Similar suggestions: which existing items say what a new text says.

Chinese text is compared as character bigrams ("农村饮水" -> 农村, 村饮, 饮水),
the same unit ``congress_portal.search`` indexes with ``portal_ngrams``: no
dictionary to download or keep in step with the province's words (jieba would
split 楼道充电 or 电动自行车 by its dictionary, and a bigram matches either way),
and the GIN index of the suggestions' ``search_ngrams`` column serves the
candidate query directly.

Two steps, so the work does not grow with the table:

1. candidates: on PostgreSQL the rows whose n-grams contain two neighbouring
   bigrams of the text (roughly: share a three-character phrase), served by the
   GIN index and capped at ``CANDIDATES`` rows; phrases made of bigrams common
   to many rows are left out, known from PostgreSQL's own statistics of the
   column (``pg_stats.most_common_elems``, no query over the table). On SQLite
   (the demo) the newest ``CANDIDATES * 10`` rows;
2. ranking in Python: TF-IDF cosine over bigrams (title counted twice), where a
   bigram's document frequency is its share from those statistics or its count
   among the candidates, and the table's size is PostgreSQL's own estimate
   (``pg_class.reltuples``, no COUNT). A bigram shared by everything (建设,
   标准) weighs little and a rare one (楼道, 饮水) much.

Words of the genre (关于……的建议, 进一步加强) are cut out before either step."""
import math
import re
import time
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from congress_portal.search import SEARCH_COLUMN, NgramMatch

CANDIDATES = 300
COMMON = 0.05  # a phrase whose rarer bigram is in more than this share of rows finds no candidates
TITLE_WEIGHT = 2
MIN_SCORE = 0.08
MAX_TEXT = 2000  # characters of a text compared (titles and the start of the content)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
# Characters that make a bigram function words rather than content.
_FUNCTION_CHARS = set("的了和与及或在是对为等把被将其这那之而也并从由以于中上下个些")
# Words of the genre itself, present in most suggestions whatever they are about:
# cut out of the text before it is split into bigrams.
STOP_WORDS = sorted(
    """关于 建议 进一步 加强 加快 推进 完善 我省 部分 问题 有关 相关 部门 工作 进行 提高 以及 目前 存在 当前
    一些 一定 积极 切实 有效 不断 能力 水平 方面 情况 机制 措施 政策 支持 推动 实施 落实 开展 做好 确保
    保障 提升 加大 大力 力度 研究 解决 群众 人民 全省 各地 地区 全面 充分 希望 请求 尽快 有效 较多 严重""".split(),
    key=len, reverse=True,
)
_STOP = re.compile("|".join(map(re.escape, dict.fromkeys(STOP_WORDS))))


def _runs(text):
    return _RUN.findall(_STOP.sub(" ", (text or "").lower()[:MAX_TEXT]))


def grams(text):
    """The bigrams of ``text`` in order (repeats kept), boilerplate left out;
    a run of Latin letters or digits counts as one gram."""
    out = []
    for run in _runs(text):
        if not re.match(rf"[{_CJK}]", run):
            if len(run) > 1:
                out.append(run)
            continue
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram[0] in _FUNCTION_CHARS or gram[1] in _FUNCTION_CHARS:
                continue
            out.append(gram)
    return out


def bag(title, content=""):
    """Term counts of a suggestion: the title's grams count ``TITLE_WEIGHT`` times."""
    counts = Counter(grams(content))
    for gram in grams(title):
        counts[gram] += TITLE_WEIGHT
    return counts


def _quote(term):
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def candidate_tsquery(title, content="", *, frequencies=None, max_clauses=40):
    """``('ab' & 'bc') | ...``: neighbouring bigrams of the text (roughly, its
    three-character phrases), the rarest first, leaving out phrases whose
    rarer bigram is in more than ``COMMON`` of the rows (by ``frequencies``:
    "主要原因" says nothing of the problem and would fill the candidates with
    rows that share only it); "" when nothing is left."""
    frequencies = frequencies or {}
    clauses = {}
    for weight, text in ((0.5, title), (1.0, content)):  # a title's phrase ranks first among equals
        sequence = [g for g in grams(text) if len(g) == 2]
        for first, second in zip(sequence, sequence[1:]):
            if first != second and first[1] == second[0]:
                rarity = min(frequencies.get(first, 0.0), frequencies.get(second, 0.0))
                if rarity <= COMMON:
                    key = f"({_quote(first)} & {_quote(second)})"
                    clauses[key] = min(clauses.get(key, 1.0), rarity * weight)
    if not clauses:
        single = [g for g in dict.fromkeys(grams(f"{title} {content}")) if len(g) == 2 and frequencies.get(g, 0.0) <= COMMON]
        return " | ".join(_quote(g) for g in single[:12])
    return " | ".join(sorted(clauses, key=lambda k: clauses[k])[:max_clauses])


_STATS = {}  # table -> (read at, {gram: share of rows})
STATS_SECONDS = 600


def gram_frequencies(model):
    """{bigram: share of the table's rows that contain it} for the most common
    bigrams, from PostgreSQL's own statistics of the ``search_ngrams`` column
    (``pg_stats.most_common_elems``, kept by ANALYZE / autovacuum): a bigram not
    listed is rarer than every listed one. Read at most every ten minutes;
    empty on SQLite or before the first ANALYZE."""
    if connection.vendor != "postgresql":
        return {}
    table = model._meta.db_table
    read_at, found = _STATS.get(table, (0.0, {}))
    if time.monotonic() - read_at < STATS_SECONDS:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = %s",
            [table, SEARCH_COLUMN],
        )
        row = cursor.fetchone()
    found = {}
    if row and row[0] and row[1]:
        found = {gram: float(share) for gram, share in zip(row[0], row[1]) if len(gram) == 2}
    _STATS[table] = (time.monotonic(), found)
    return found


def _table_size(model, fallback):
    if connection.vendor != "postgresql":
        return fallback
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return max(int(row[0]) if row and row[0] and row[0] > 0 else 0, fallback)


def candidates(queryset, title, content="", *, frequencies=None):
    """At most ``CANDIDATES`` rows of ``queryset`` that may be similar, as
    (pk, title, content) tuples."""
    fields = ("pk", "title", "content")
    if connection.vendor == "postgresql":
        query = candidate_tsquery(title, content, frequencies=frequencies)
        if not query:
            return []
        return list(queryset.filter(Q(NgramMatch(query))).order_by().values_list(*fields)[:CANDIDATES])
    wanted = set(grams(f"{title} {content}"))
    rows = queryset.order_by("-pk").values_list(*fields)[: CANDIDATES * 10]
    return [row for row in rows if wanted & set(grams(f"{row[1]} {row[2]}"))][:CANDIDATES]


@dataclass
class Match:
    pk: int
    score: float
    shared: list  # the grams that weigh most in the match, for a reason shown to staff


def rank(title, content, rows, *, total, limit=5, min_score=MIN_SCORE, frequencies=None):
    """TF-IDF cosine of the text against ``rows`` (pk, title, content); the
    best ``limit`` Matches at or above ``min_score``. A bigram's document
    frequency is the table's share from ``frequencies`` when listed there,
    else its count among the rows (the rows are every row sharing a phrase
    with the text, so the count is close to the table's for the text's bigrams)."""
    query = bag(title, content)
    if not query or not rows:
        return []
    bags = {pk: bag(t, c) for pk, t, c in rows}
    counted = Counter()
    for counts in bags.values():
        counted.update(counts.keys())
    total = max(total, len(rows)) + 1
    frequencies = frequencies or {}
    idf = {}
    for gram in set(counted) | set(query):
        documents = max(counted[gram], frequencies.get(gram, 0.0) * total)
        idf[gram] = math.log(total / (1 + documents)) + 1

    def vector(counts):
        return {g: (1 + math.log(n)) * idf[g] for g, n in counts.items()}

    q = vector(query)
    q_norm = math.sqrt(sum(v * v for v in q.values()))
    found = []
    for pk, counts in bags.items():
        shared = q.keys() & counts.keys()
        if not shared:
            continue
        d = vector(counts)
        dot = sum(q[g] * d[g] for g in shared)
        score = dot / (q_norm * math.sqrt(sum(v * v for v in d.values())))
        if score >= min_score:
            top = sorted(shared, key=lambda g: -q[g] * d[g])[:6]
            found.append(Match(pk, round(score, 3), top))
    found.sort(key=lambda m: (-m.score, -m.pk))
    return found[:limit]


def similar(queryset, *, title, content="", limit=5, exclude=(), min_score=MIN_SCORE):
    """The ``limit`` items of ``queryset`` most similar to the text, as Matches."""
    if exclude:
        queryset = queryset.exclude(pk__in=list(exclude))
    frequencies = gram_frequencies(queryset.model)
    rows = candidates(queryset, title, content, frequencies=frequencies)
    total = _table_size(queryset.model, len(rows))
    return rank(title, content, rows, total=total, limit=limit, min_score=min_score, frequencies=frequencies)
