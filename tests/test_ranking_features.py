"""The ranker's feature rows: one value per named feature, what the article says filled in."""
from mapper.model import Article, Mention
from mapper.ranking.features import FEATURE_NAMES
from mapper.resolve import Resolver


def test_rows_have_one_value_per_feature_name_and_article_features_vary(gazetteer):
    resolver = Resolver(gazetteer)
    text = "Officials in Paris, Texas, said Springfield was calm."
    mentions = [Mention(13, 18, "Paris", "GPE", None), Mention(20, 25, "Texas", "GPE", None),
                Mention(32, 43, "Springfield", "GPE", None)]
    rows = {m.text: r for m, (pool, r) in zip(mentions, resolver.mention_features(Article(id="a", text=text), mentions))}
    assert all(len(row) == len(FEATURE_NAMES) for r in rows.values() for row in r)
    paris = rows["Paris"]
    apposition = FEATURE_NAMES.index("apposition")
    # "Paris, Texas": only the Texan candidates agree with the place written after the name
    assert max(row[apposition] for row in paris) > 0 and min(row[apposition] for row in paris) == 0
