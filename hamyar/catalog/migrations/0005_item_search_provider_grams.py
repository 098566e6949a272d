"""PostgreSQL: which providers' items hold each four letters of the search text (nothing in the model state).

Replaces 0004's trigrams, too common to tell providers apart: "تاب", "ابل" and "بلو"
are each in some lamp's text ("آفتاب", "قابل", "بلوار"), while "تابل" and "ابلو" are only
in the signs. A lapsed supplier's items are hidden from municipality users, and when a
query's words are that supplier's, proving no visible item matches would walk all of
its items (a second at 1,000,000 items); this table says first which providers can
have a match at all: those with every four letters of each word (a three-letter word:
any four letters starting with it; the text ends in U+0001 so its last three letters
start some).

A pair is added when an item gets the letters (a statement trigger, so an import of
50,000 items adds its pairs at once) and never removed: a pair too many only costs a
look-up, never a result.
"""

from django.db import migrations

_GRAMS = """SELECT DISTINCT substr(t.text, i, 4) COLLATE "C" AS gram, t.provider_id
       FROM (SELECT provider_id, search_compact || chr(1) AS text FROM {rows}) AS t,
            generate_series(1, char_length(t.text) - 3) AS i"""

POSTGRESQL_FORWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_provider_trigram_update ON catalog_catalogitem",
    "DROP TRIGGER IF EXISTS catalog_search_provider_trigram_insert ON catalog_catalogitem",
    "DROP FUNCTION IF EXISTS catalog_search_provider_trigram_add()",
    "DROP TABLE IF EXISTS catalog_search_provider_trigram",
    "SET LOCAL work_mem = '64MB'",
    # CREATE TABLE AS reads in parallel, where INSERT … SELECT would not.
    f"CREATE TABLE catalog_search_provider_gram AS {_GRAMS.format(rows='catalog_catalogitem')}",
    "ALTER TABLE catalog_search_provider_gram ALTER gram SET NOT NULL, ALTER provider_id SET NOT NULL",
    "ALTER TABLE catalog_search_provider_gram ADD PRIMARY KEY (gram, provider_id)",
    f"""CREATE FUNCTION catalog_search_provider_gram_add() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           IF TG_OP = 'INSERT' THEN
               INSERT INTO catalog_search_provider_gram (gram, provider_id)
               {_GRAMS.format(rows="new_items")}
               ON CONFLICT DO NOTHING;
           ELSE
               INSERT INTO catalog_search_provider_gram (gram, provider_id)
               {_GRAMS.format(rows='''new_items n WHERE NOT EXISTS (
                   SELECT 1 FROM old_items o WHERE o.id = n.id AND o.provider_id = n.provider_id
                   AND o.search_compact IS NOT DISTINCT FROM n.search_compact)''')}
               ON CONFLICT DO NOTHING;
           END IF;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER catalog_search_provider_gram_insert AFTER INSERT ON catalog_catalogitem
       REFERENCING NEW TABLE AS new_items
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_provider_gram_add()""",
    """CREATE TRIGGER catalog_search_provider_gram_update AFTER UPDATE ON catalog_catalogitem
       REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_provider_gram_add()""",
    "ANALYZE catalog_search_provider_gram",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_provider_gram_update ON catalog_catalogitem",
    "DROP TRIGGER IF EXISTS catalog_search_provider_gram_insert ON catalog_catalogitem",
    "DROP FUNCTION IF EXISTS catalog_search_provider_gram_add()",
    "DROP TABLE IF EXISTS catalog_search_provider_gram",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_item_search_provider_trigrams"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
