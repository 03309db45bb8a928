from knowledge.importer import text_to_blocks


def test_site_links_become_links_and_everything_else_stays_text():
    (block,) = text_to_blocks("Wypełnij [formularz](/konsultacje/nowa/) <b>x</b> [zły](javascript:alert(1))")
    assert '<a href="/konsultacje/nowa/">formularz</a>' in block["value"]
    assert "&lt;b&gt;" in block["value"] and "javascript" not in block["value"].split("[zły]")[0]
    assert '<a href="javascript' not in block["value"]
