"""PostgreSQL: which providers' items hold each trigram of the search text (replaced by 0005).

A municipality user does not see a lapsed supplier's items. When a query's words are
that supplier's ("تابلو", and the supplier makes the signs), every match is hidden,
and proving there is none visible costs a walk over all of them (a second at
1,000,000 items): the trigram index cannot leave a provider out. This table tells,
in a fraction of a millisecond, which providers can have a match at all: those with
every trigram of the query's words.

A pair is added when an item gets the trigram (a statement trigger, so an import of
50,000 items adds its pairs at once), and never removed: a pair too many only costs
a look-up, never a result.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """CREATE TABLE catalog_search_provider_trigram (
           trigram text NOT NULL,
           provider_id bigint NOT NULL,
           PRIMARY KEY (trigram, provider_id)
       )""",
    """CREATE FUNCTION catalog_search_provider_trigram_add() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           IF TG_OP = 'INSERT' THEN
               INSERT INTO catalog_search_provider_trigram (trigram, provider_id)
               SELECT DISTINCT substr(n.search_compact, i, 3), n.provider_id
               FROM new_items n, generate_series(1, char_length(n.search_compact) - 2) AS i
               ON CONFLICT DO NOTHING;
           ELSE
               INSERT INTO catalog_search_provider_trigram (trigram, provider_id)
               SELECT DISTINCT substr(n.search_compact, i, 3), n.provider_id
               FROM new_items n JOIN old_items o ON o.id = n.id,
                    generate_series(1, char_length(n.search_compact) - 2) AS i
               WHERE n.search_compact IS DISTINCT FROM o.search_compact OR n.provider_id <> o.provider_id
               ON CONFLICT DO NOTHING;
           END IF;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER catalog_search_provider_trigram_insert AFTER INSERT ON catalog_catalogitem
       REFERENCING NEW TABLE AS new_items
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_provider_trigram_add()""",
    """CREATE TRIGGER catalog_search_provider_trigram_update AFTER UPDATE ON catalog_catalogitem
       REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_provider_trigram_add()""",
    # Filled by 0005, which replaces the table (the catalog is not read twice).
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_provider_trigram_update ON catalog_catalogitem",
    "DROP TRIGGER IF EXISTS catalog_search_provider_trigram_insert ON catalog_catalogitem",
    "DROP FUNCTION IF EXISTS catalog_search_provider_trigram_add()",
    "DROP TABLE IF EXISTS catalog_search_provider_trigram",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_item_search_compact"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
