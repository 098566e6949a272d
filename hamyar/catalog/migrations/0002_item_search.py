"""Search structures for hamyar.catalog.search, per engine (nothing in the model state).

PostgreSQL: pg_trgm and btree_gin; one GIN index over the domain, the provider and the
search text without spaces (every query word is a LIKE '%word%' on it, and a domain or
provider filter narrows inside the index), a pattern index over the name without
spaces (exact name and name prefix), a vocabulary of catalog words for typo correction
kept by a trigger, and an index for browsing by name.

SQLite: an FTS5 trigram table over the search text without spaces, an FTS5 word table
whose fts5vocab is the vocabulary, both kept by triggers, and the same two indexes.

Django rebuilds an SQLite table for some column changes, which drops its triggers: a
later migration that alters catalog_catalogitem on SQLite must run SQLITE_TRIGGERS again
(test_search checks that the search stays in step with the items).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "SET LOCAL maintenance_work_mem = '256MB'",  # index builds over an existing catalog
    """CREATE INDEX catalog_item_search ON catalog_catalogitem
       USING gin (domain_id, provider_id, replace(search_text, ' ', '') gin_trgm_ops)""",
    """CREATE INDEX catalog_item_compact_name ON catalog_catalogitem
       (replace(search_name, ' ', '') text_pattern_ops)""",
    "CREATE INDEX catalog_item_org_name ON catalog_catalogitem (organization_id, name, id)",
    "CREATE TABLE catalog_search_word (word varchar(60) PRIMARY KEY)",
    "CREATE INDEX catalog_search_word_trgm ON catalog_search_word USING gin (word gin_trgm_ops)",
    """CREATE FUNCTION catalog_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           INSERT INTO catalog_search_word (word)
           SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, NEW.search_text))) AS w
           WHERE char_length(w) BETWEEN 3 AND 60 AND w !~ '[0-9]'
           ON CONFLICT DO NOTHING;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER catalog_search_word_insert AFTER INSERT ON catalog_catalogitem
       FOR EACH ROW EXECUTE FUNCTION catalog_search_word_add()""",
    """CREATE TRIGGER catalog_search_word_update AFTER UPDATE OF search_text ON catalog_catalogitem
       FOR EACH ROW WHEN (NEW.search_text IS DISTINCT FROM OLD.search_text)
       EXECUTE FUNCTION catalog_search_word_add()""",
    """INSERT INTO catalog_search_word (word)
       SELECT DISTINCT w FROM catalog_catalogitem,
           unnest(tsvector_to_array(to_tsvector('simple'::regconfig, search_text))) AS w
       WHERE char_length(w) BETWEEN 3 AND 60 AND w !~ '[0-9]'
       ON CONFLICT DO NOTHING""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_word_update ON catalog_catalogitem",
    "DROP TRIGGER IF EXISTS catalog_search_word_insert ON catalog_catalogitem",
    "DROP FUNCTION IF EXISTS catalog_search_word_add()",
    "DROP TABLE IF EXISTS catalog_search_word",
    "DROP INDEX IF EXISTS catalog_item_org_name",
    "DROP INDEX IF EXISTS catalog_item_compact_name",
    "DROP INDEX IF EXISTS catalog_item_search",
]

# The rows each FTS table holds for an item; a contentless table is told the old values on delete.
_SEARCH_ROW = "replace({row}.search_text, ' ', '')"
_WORDS_ROW = "{row}.search_text"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS catalog_item_search_insert AFTER INSERT ON catalog_catalogitem BEGIN
        INSERT INTO catalog_item_search (rowid, text) VALUES (new.id, {_SEARCH_ROW.format(row="new")});
        INSERT INTO catalog_item_words (rowid, text) VALUES (new.id, {_WORDS_ROW.format(row="new")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalog_item_search_delete AFTER DELETE ON catalog_catalogitem BEGIN
        INSERT INTO catalog_item_search (catalog_item_search, rowid, text)
            VALUES ('delete', old.id, {_SEARCH_ROW.format(row="old")});
        INSERT INTO catalog_item_words (catalog_item_words, rowid, text)
            VALUES ('delete', old.id, {_WORDS_ROW.format(row="old")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalog_item_search_update AFTER UPDATE OF search_text ON catalog_catalogitem
    WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO catalog_item_search (catalog_item_search, rowid, text)
            VALUES ('delete', old.id, {_SEARCH_ROW.format(row="old")});
        INSERT INTO catalog_item_words (catalog_item_words, rowid, text)
            VALUES ('delete', old.id, {_WORDS_ROW.format(row="old")});
        INSERT INTO catalog_item_search (rowid, text) VALUES (new.id, {_SEARCH_ROW.format(row="new")});
        INSERT INTO catalog_item_words (rowid, text) VALUES (new.id, {_WORDS_ROW.format(row="new")});
    END""",
]
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_item_search USING fts5(
        text, content='', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE catalog_item_words USING fts5(
        text, content='', detail='none', tokenize='unicode61 remove_diacritics 0')""",
    "CREATE VIRTUAL TABLE catalog_item_words_vocab USING fts5vocab(catalog_item_words, 'row')",
    f"""INSERT INTO catalog_item_search (rowid, text)
        SELECT id, {_SEARCH_ROW.format(row="catalog_catalogitem")} FROM catalog_catalogitem""",
    f"""INSERT INTO catalog_item_words (rowid, text)
        SELECT id, {_WORDS_ROW.format(row="catalog_catalogitem")} FROM catalog_catalogitem""",
    *SQLITE_TRIGGERS,
    "CREATE INDEX catalog_item_compact_name ON catalog_catalogitem (replace(search_name, ' ', ''))",
    "CREATE INDEX catalog_item_org_name ON catalog_catalogitem (organization_id, name, id)",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_item_search_update",
    "DROP TRIGGER IF EXISTS catalog_item_search_delete",
    "DROP TRIGGER IF EXISTS catalog_item_search_insert",
    "DROP INDEX IF EXISTS catalog_item_org_name",
    "DROP INDEX IF EXISTS catalog_item_compact_name",
    "DROP TABLE IF EXISTS catalog_item_words_vocab",
    "DROP TABLE IF EXISTS catalog_item_words",
    "DROP TABLE IF EXISTS catalog_item_search",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
