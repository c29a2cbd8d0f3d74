"""Where a statement happened: its place candidates, the one its words tie to the event, and the
fallbacks (the dateline, the previous incident's region, the article's region)."""
from __future__ import annotations

import re
from dataclasses import replace

from mapper.incidents.locate import COUNTRY, DISTRICT, REGION, SETTLEMENT, PlaceCandidate, Where, level_of, \
    precision_of
from mapper.incidents.statements import Statement
from mapper.model import Article, Mention, Place, ResolvedMention

__all__ = ["Placer", "country_where"]


def country_where(gazetteer, iso2: str) -> Where:
    """Where incidents go whose article names no place (see ``Extractor(default_country=...)``)."""
    from mapper.errors import MapperError
    from mapper.incidents.feed import AUTO, UNPLACED_PLACE
    from mapper.resolve import place_from_candidate

    if iso2.lower() == AUTO:
        return Where(location="", point=UNPLACED_PLACE, precision=3, level=COUNTRY, source="unplaced")
    country = gazetteer.country(iso2)
    if country is None:
        raise MapperError(f"unknown country code {iso2!r} for the default country; use an ISO 3166-1 code like UA")
    place = place_from_candidate(country)
    return Where(location=place.name, point=place, precision=3, level=COUNTRY, source="default country")


class Placer:
    """Places the statements of an article; build once, reuse for many articles."""

    def __init__(self, lex, gazetteer, locator):
        self.gazetteer = gazetteer
        self.locator = locator
        self._country_scope = lex.pattern("country_scope")
        self._admin_cache: dict[str, Place | None] = {}

    def candidates(self, article: Article, st: Statement, resolved: list[ResolvedMention], unknown, dateline_span):
        """The places a statement names, with their roles: its resolved mentions and unknown names
        (none inside the dateline)."""
        text = article.text
        cue_spans = [(st.start + c.start, st.start + c.end, c.kind) for c in st.cues]
        cands = []
        for rm in resolved:
            m = rm.mention
            if m.start < st.start or m.end > st.end:
                continue
            if dateline_span and m.start < dateline_span[1]:
                continue
            if rm.place is None:
                if m.label in ("GPE", "LOC") and not self.locator.excluded_text(m.text):
                    cands.append(PlaceCandidate(m.start, m.end, m.text, None, SETTLEMENT, m.label))
                continue
            if self.locator.excluded_text(m.text):
                continue
            if re.fullmatch(r"[A-Z]{1,3}|[A-Z]\.[A-Z]\.?", m.text) and level_of(rm.place) != COUNTRY:
                continue           # "US" resolved to a French village
            place = self._upgrade_unit(text, m, self._prefer_city(m, self._exact_name(m, rm.place)))
            cands.append(PlaceCandidate(m.start, m.end, m.text, place, level_of(place), m.label))
        for s, e, name, kind, reference in unknown:
            if s >= st.start and e <= st.end and not (dateline_span and s < dateline_span[1]):
                overlapping = [c for c in cands if c.start < e and s < c.end]
                if any(c.place is not None for c in overlapping):
                    continue
                for c in overlapping:
                    cands.remove(c)
                c = PlaceCandidate(s, e, name, None, SETTLEMENT, "UNK", near=kind in ("near", "direction"))
                if kind == "direction":
                    c = replace(c, role="location", reference=self._lookup_reference(reference, resolved))
                elif kind in ("settlement", "apposition"):
                    c = replace(c, role="location")
                cands.append(c)
        # "X northwest of Kursk": Kursk only says where X is
        refs = [(c.end, c.end + 45) for c in cands if c.label == "UNK" and c.reference is not None]
        cands = [c for c in cands if c.label == "UNK" or not any(a < c.start <= b for a, b in refs)]
        return [self.locator.text_role(text, c.start, c.end, c, cue_spans) if c.role == "other" or c.label != "UNK" else c
                for c in cands]

    _TYPE_WORD = re.compile(r"(?i)\b(?:oblast'?|region|province|district|raion|rayon|county|governorate|state|krai|kray|"
                            r"republic|municipality|prefecture|hromada)\b")

    def _prefer_city(self, mention: Mention, place: Place) -> Place:
        """A bare name resolved to an admin unit means the namesake town in it ("in Kharkiv")."""
        if place.feature_class != "A" or level_of(place) == COUNTRY or mention.hint or self._TYPE_WORD.search(mention.text):
            return place
        from gazetteer.normalize import normalize_name
        from mapper.resolve import place_from_candidate

        key = normalize_name(mention.text)
        for c in self.gazetteer.lookup(mention.text, limit=30):
            if c.feature_class == "P" and c.country_code == place.country_code and \
                    f"{c.country_code}.{c.admin1_code}" == place.admin1_code and \
                    (normalize_name(c.name) == key or c.name_kind <= 1):
                return place_from_candidate(c)
        return place

    def _exact_name(self, mention: Mention, place: Place) -> Place:
        """"Kyiv Oblast" is the unit of that exact name, not another unit that shares a word with it."""
        from gazetteer.normalize import normalize_name
        from mapper.resolve import place_from_candidate

        key = normalize_name(mention.text)
        if normalize_name(place.name) == key or place.feature_class != "A":
            return place
        for c in self.gazetteer.lookup(mention.text, limit=10):
            if c.feature_code == place.feature_code and c.name_kind == 0 and normalize_name(c.name) == key:
                return place_from_candidate(c)
        return place

    _UNIT_AFTER = re.compile(r"^\s+(district|raion|rayon|region|oblast|province|county)\b", re.IGNORECASE)

    def _upgrade_unit(self, text: str, mention: Mention, place: Place) -> Place:
        """"the Kupiansk district": a town name followed by a unit word names the unit."""
        m = self._UNIT_AFTER.match(text[mention.end:mention.end + 20])
        if not m or place.feature_class != "P":
            return place
        from mapper.resolve import place_from_candidate

        word = m.group(1).lower()
        codes = ("ADM1",) if word in ("region", "oblast", "province") else ("ADM2", "ADM3")
        for c in self.gazetteer.lookup(f"{mention.text} {m.group(1)}", limit=20):
            if c.feature_code in codes and c.country_code == place.country_code:
                return place_from_candidate(c)
        return place

    @staticmethod
    def _nested_bonus(cands: list[PlaceCandidate]) -> None:
        """"the Saltivka district of Kharkiv": of two places written together, the smaller one
        inside or next to the bigger is the more specific answer."""
        from gazetteer.geocoder import haversine_km

        for a in cands:
            for b in cands:
                if a is b or a.place is None or b.place is None or abs(a.start - b.start) > 40:
                    continue
                if a.level == b.level == SETTLEMENT and a.place.population < b.place.population and \
                        haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon) <= 25:
                    a.score += 1.0

    def _lookup_reference(self, name: str | None, resolved) -> Place | None:
        if not name:
            return None
        from mapper.resolve import place_from_candidate

        found = self.gazetteer.lookup(name, limit=20)
        if not found:
            return None
        countries = {r.place.country_code for r in resolved if r.place is not None}
        admin1s = {r.place.admin1_code for r in resolved if r.place is not None}
        found.sort(key=lambda c: (f"{c.country_code}.{c.admin1_code}" not in admin1s, c.country_code not in countries,
                                  c.feature_class != "P", -c.population))
        return place_from_candidate(found[0])

    def _admin1_place(self, code: str) -> Place | None:
        if code not in self._admin_cache:
            from mapper.resolve import place_from_candidate

            cand = self.gazetteer.admin1(code) if code else None
            self._admin_cache[code] = place_from_candidate(cand) if cand else None
        return self._admin_cache[code]

    def _where_from(self, cand: PlaceCandidate, context: dict) -> Where | None:
        if cand.place is not None:
            level = cand.level
            return Where(location=cand.place.name, point=cand.place, precision=precision_of(level, cand.near),
                         level=level, source="statement")
        # an unknown name: the town it is near, else the enclosing district or region
        if cand.reference is not None:
            return Where(location=cand.text, point=cand.reference, precision=2, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {cand.reference.name}"])
        region = context.get("region")
        district = context.get("district")
        if district is not None:
            return Where(location=cand.text, point=district, precision=2, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {district.name}"])
        if region is not None:
            return Where(location=cand.text, point=region, precision=3, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {region.name}"])
        return None

    def _context_regions(self, st_cands: list[PlaceCandidate], article_ctx: dict, previous: Where | None,
                         dateline: Where | None = None) -> dict:
        """The district and region an unknown name of this statement lies in."""
        region = district = None
        if dateline is not None and not dateline.unresolved:
            if dateline.level >= DISTRICT:
                return {"region": None, "district": dateline.point}
            if dateline.level == REGION:
                region = dateline.point
        usable = [c for c in st_cands if c.place is not None and c.role not in ("speaker", "actor", "modifier")]
        for c in sorted(usable, key=lambda c: -c.level):
            if c.level == DISTRICT and district is None:
                district = c.place
            if c.level == REGION and region is None:
                region = c.place
        if region is None and district is not None:
            region = self._admin1_place(district.admin1_code)
        if region is None:
            for c in usable:
                if c.level == SETTLEMENT and c.place.admin1_code:
                    region = self._admin1_place(c.place.admin1_code)
                    break
        if region is None and previous is not None and previous.point.admin1_code:
            region = self._admin1_place(previous.point.admin1_code)
        if region is None:
            region = article_ctx.get("region")
        if district is None and region is not None:
            districts = article_ctx.get("districts", {}).get(region.admin1_code, [])
            if len(districts) == 1:
                district = districts[0]
        return {"region": region, "district": district}

    def article_context(self, resolved: list[ResolvedMention]) -> dict:
        from collections import Counter

        tally: Counter[str] = Counter()
        districts: dict[str, list[Place]] = {}
        for rm in resolved:
            p = rm.place
            if p is None or not p.admin1_code:
                continue
            level = level_of(p)
            if level == COUNTRY:
                continue
            if re.fullmatch(r"[A-Z]{1,3}", rm.mention.text):
                continue
            tally[p.admin1_code] += 1
            if level == DISTRICT:
                bucket = districts.setdefault(p.admin1_code, [])
                if all(d.geonameid != p.geonameid for d in bucket):
                    bucket.append(p)
        region = None
        if tally:
            region = self._admin1_place(tally.most_common(1)[0][0])
        return {"region": region, "districts": districts}

    def where(self, text: str, st: Statement, anchor: int, weapon_hits, dateline: Where | None, article_ctx: dict,
              previous_where: Where | None) -> tuple[Where | None, bool, bool]:
        """(where, whether the statement names it, whether the syntax ties it to the trigger)
        (``anchor``: where the trigger cue starts in the statement; ``weapon_hits``: the weapon names'
        spans in it)."""
        pcands = st.pcands
        for c in pcands:
            c.score = self.locator.score(c, st.start + anchor)
        usable = [c for c in pcands if c.score != float("-inf")]
        self._nested_bonus(usable)
        # weapons are not places ("Pantsir"), nor are places inside weapon names
        usable = [c for c in usable if not any(st.start + s <= c.start and c.end <= st.start + e for s, e, _ in weapon_hits)]
        if dateline is not None:
            usable = [c for c in usable if self._beats_dateline(c, dateline)]
        context = self._context_regions(pcands, article_ctx, previous_where, dateline)
        where, own, attached = None, False, False
        for c in sorted(usable, key=lambda c: -c.score):
            where = self._where_from(c, context)
            if where is not None:
                own, attached = True, c.attached
                where = self._qualified(text, c, where, pcands)
                if dateline is not None:
                    where = self._consistent(c, where, dateline)
                break
        if self._country_scope is not None and self._country_scope.search(st.text) and (where is None or not own or where.level <= REGION):
            country = self._scope_country(pcands, where, dateline, article_ctx)
            if country is not None:
                where, own = Where(location=country.name, point=country, precision=3, level=COUNTRY, source="statement"), True
        if where is None:
            if dateline is not None:
                where = dateline
            elif previous_where is not None:
                where = self._generalise(previous_where)
            elif article_ctx.get("region") is not None:
                region = article_ctx["region"]
                where = Where(location=region.name, point=region, precision=3, level=REGION, source="article")
        return where, own, attached

    def _qualified(self, text: str, c: PlaceCandidate, where: Where, pcands: list[PlaceCandidate]) -> Where:
        """"X district, Kharkiv": when the place written after a comma is far from the one chosen,
        the chosen name is a part of it the gazetteer does not know."""
        if c.place is None:
            return where
        from gazetteer.geocoder import haversine_km

        for d in pcands:
            if d.start <= c.end or d.place is None or d.role in ("speaker", "actor", "modifier"):
                continue
            if not re.fullmatch(r"\s*,\s*|\s+\(\s*|\s+in\s+", text[c.end:d.start]):
                break
            if d.level < REGION:
                break
            if d.level >= SETTLEMENT:
                far = haversine_km(c.place.lat, c.place.lon, d.place.lat, d.place.lon) > 40
            else:
                far = c.place.admin1_code != d.place.admin1_code
            if far:
                return Where(location=c.text, point=d.place, precision=2 if d.level >= DISTRICT else 3,
                             level=SETTLEMENT if c.level >= SETTLEMENT else c.level, source="statement", unresolved=True,
                             notes=[f"{c.text} read as a part of {d.place.name}"])
            break
        return where

    _SUBAREA = re.compile(r"(?i)\b(?:district|microdistrict|mikrorayon|neighbou?rhood|quarter|park|square|street|avenue|"
                          r"market|zoo|station|airport|plant|factory|farm)\b")

    def _beats_dateline(self, c: PlaceCandidate, dateline: Where) -> bool:
        """A statement's place overrides the article's dateline only when the words tie it to the
        event (a place preposition, the trigger's object) and it is not coarser than the dateline."""
        if c.role not in ("location", "object"):
            return False
        if c.place is None:
            return True
        if c.level < dateline.level and (c.level == COUNTRY or c.place.admin1_code == dateline.point.admin1_code
                                         or (c.level == REGION and c.place.country_code == dateline.point.country_code)):
            return False
        return True

    def _consistent(self, c: PlaceCandidate, where: Where, dateline: Where) -> Where:
        """A statement place far from the dateline is often a namesake, or a part of the dateline
        town the gazetteer does not know ("the Industrial District", "in Kyiv District")."""
        from gazetteer.geocoder import haversine_km

        d = dateline.point
        if where.unresolved or c.place is None:
            return where
        p = where.point
        if dateline.level == REGION and p.admin1_code and d.admin1_code and p.admin1_code != d.admin1_code:
            # the same name inside the dateline's region?
            from mapper.resolve import place_from_candidate

            for cand in self.gazetteer.lookup(c.text, limit=40):
                if f"{cand.country_code}.{cand.admin1_code}" == d.admin1_code:
                    place = place_from_candidate(cand)
                    return Where(location=place.name, point=place, precision=precision_of(level_of(place), c.near),
                                 level=level_of(place), source="statement")
            return Where(location=c.text, point=d, precision=3, level=SETTLEMENT, source="statement", unresolved=True,
                         notes=[f"{c.text} is not in the gazetteer within {d.name}; placed at {d.name}"])
        if dateline.level >= SETTLEMENT and haversine_km(p.lat, p.lon, d.lat, d.lon) > 30 and self._SUBAREA.search(c.text):
            return Where(location=f"{c.text}, {dateline.location}", point=d, precision=1, level=SETTLEMENT,
                         source="statement", unresolved=True, notes=[f"{c.text} read as a part of {dateline.location}"])
        return where

    def _scope_country(self, pcands, where, dateline, article_ctx) -> Place | None:
        """The country a nationwide statement ("across the country") is about."""
        from mapper.resolve import place_from_candidate

        cc = None
        for c in pcands:
            if c.place is not None and c.level == COUNTRY and c.role in ("location", "other"):
                cc = c.place.country_code
                break
        if cc is None:
            for w in (where, dateline):
                if w is not None:
                    cc = w.point.country_code
                    break
        if cc is None and article_ctx.get("region") is not None:
            cc = article_ctx["region"].country_code
        cand = self.gazetteer.country(cc) if cc else None
        return place_from_candidate(cand) if cand else None

    def _generalise(self, where: Where) -> Where:
        """A previous incident's place, widened to its region (an inherited place is vague)."""
        point = where.point
        if where.level > REGION and point.admin1_code:
            region = self._admin1_place(point.admin1_code)
            if region is not None:
                return Where(location=region.name, point=region, precision=3, level=REGION, source="inherited")
        return replace(where, source="inherited", notes=[])
