"""lib.ui.train_state: how /train writes a time."""

import pytest

from lib import i18n
from lib.ui import train_state


@pytest.mark.parametrize(("seconds", "english", "chinese"), [
    (None, "?", "?"),
    (0.4, "0 s", "0 秒"),
    (40.2, "40 s", "40 秒"),
    (125.4, "2 min 5 s", "2 分 5 秒"),
    (1800, "30 min", "30 分钟"),
    (59.6, "1 min", "1 分钟"),
])
def test_a_time_reads_in_the_page_s_language(seconds, english, chinese):
    assert train_state.describe_seconds(seconds, i18n.translator("en")) == english
    assert train_state.describe_seconds(seconds, i18n.translator("zh")) == chinese
