"""Classroom links: the same choices give the same link, and a link names only known things."""

import subprocess
import sys
import urllib.parse

import pytest

from lib import links
from tests.conftest import ROOT


def test_the_same_choices_give_the_same_link():
    first = links.classroom_link("http://10.0.0.5:8501/", "train", "zh",
                                 {"optimizer": "sgd", "epochs": "3"},
                                 ["train.optimizer", "nav.applications"], present=True)
    again = links.classroom_link("http://10.0.0.5:8501", "train", "zh",
                                 {"epochs": "3", "optimizer": "sgd"},
                                 ["nav.applications", "train.optimizer"], present=True)
    assert first == again == (
        "http://10.0.0.5:8501/train?epochs=3&hide=nav.applications,train.optimizer&lang=zh"
        "&optimizer=sgd&present=1")


def test_a_link_reads_back_into_what_it_said():
    link = links.classroom_link("http://host:8501", "layers", "en",
                                {"layers_type": "Conv2D"}, ["sidebar.model"])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert query == {"layers_type": "Conv2D", "lang": "en", "hide": "sidebar.model"}
    assert links.parse_hidden(query["hide"]) == (["sidebar.model"], [])
    assert links.parse_hidden("nav.train, bogus,,train.data") == (
        ["nav.train", "train.data"], ["bogus"])


@pytest.mark.parametrize(("arguments", "message"), [
    (("nowhere", "en"), "Unknown page: 'nowhere'"),
    (("train", "fr"), "Unknown language: 'fr'"),
    (("train", "en", {}, ["train.everything"]), "Unknown control: 'train.everything'"),
    (("layers", "en", {"model": "/etc/passwd"}), "Unknown parameter of /layers: 'model'"),
    (("train", "en", {"epochs": "1000"}), "values outside their bounds"),
])
def test_a_link_names_only_pages_controls_and_settings_the_app_has(arguments, message):
    with pytest.raises(ValueError, match=message):
        links.classroom_link("http://host:8501", *arguments)


def test_every_control_and_page_parameter_belongs_to_a_page():
    pages = {page for page in links.PAGES if page}
    assert set(links.PAGE_PARAMS) <= pages
    for control in links.CONTROLS:
        owner = control.split(".")[0]
        assert owner in pages | {"nav", "sidebar"}
        assert control.split(".", 1)[1] in pages or owner != "nav"


def test_the_cli_prints_the_panels_link():
    result = subprocess.run(
        [sys.executable, "-m", "lib.cli", "link", "--page", "recognize", "--lang", "zh",
         "--hide", "recognize.upload", "--set", "recognize_brush=30"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == links.classroom_link(
        "http://localhost:8501", "recognize", "zh", {"recognize_brush": "30"},
        ["recognize.upload"])
    refused = subprocess.run(
        [sys.executable, "-m", "lib.cli", "link", "--page", "train", "--set", "lr=100"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "error: Expected /train settings" in refused.stderr
