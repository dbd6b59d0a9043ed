from techbridge.matching.text import Tokeniser, normalise, tokenise


def test_full_width_becomes_half_width_and_lower_case():
    assert normalise("ＡＢＣ１２３，Ｌｉ电池") == "abc123,li电池"


def test_traditional_chinese_becomes_simplified():
    assert normalise("鋰電池電解質") == "锂电池电解质"


def test_tokens_keep_english_words_and_drop_stop_words():
    tokens = Tokeniser().tokenise("The Solid-State battery 的 研究 与 LiFePO4")
    assert {"solid", "state"} <= set(tokens)
    assert "lifepo4" in tokens
    assert "battery" in tokens
    assert not {"the", "的", "研究", "与"} & set(tokens)


def test_traditional_full_width_query_matches_simplified_terms():
    tokeniser = Tokeniser()
    tokeniser.add_words(["固态电解质"])
    assert "固态电解质" in tokeniser.tokenise("固態電解質ＡＢ")
    assert "ab" in tokeniser.tokenise("固態電解質ＡＢ")


def test_domain_words_stay_whole_without_touching_the_default_dictionary():
    tokeniser = Tokeniser()
    word = "锑化铟红外焦平面"
    assert word not in tokeniser.tokenise(f"研制{word}阵列")
    tokeniser.add_words([word])
    assert word in tokeniser.tokenise(f"研制{word}阵列")
    assert word not in tokenise(f"研制{word}阵列")
    assert word not in Tokeniser().tokenise(f"研制{word}阵列")
