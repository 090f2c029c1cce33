"""The inbox page: list (all / unread), open a message (marks it read, follows its local
link only), mark all read; nobody reads or marks another's messages."""

from __future__ import annotations

from django.test import Client

from meritline.notify.services import notify


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_inbox_lists_my_messages_only(world):
    notify(user=world.employee, subject="请评价孙磊", body="截止 2026-12-01")
    notify(user=world.other_employee, subject="给孙磊的消息")
    page = _client(world.employee).get("/inbox/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "请评价孙磊" in text and "给孙磊的消息" not in text
    assert "ml-message-unread" in text


def test_opening_a_message_marks_it_read_and_follows_its_link(world):
    m = notify(user=world.employee, subject="评价", link="/performance/reviews/")
    c = _client(world.employee)
    response = c.post(f"/inbox/{m.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/performance/reviews/"
    m.refresh_from_db()
    assert m.read_at is not None
    unread = c.get("/inbox/?show=unread").content.decode()
    assert "评价" not in unread.split("ml-inbox", 1)[1]


def test_a_foreign_link_is_not_followed_and_anothers_message_is_404(world):
    m = notify(user=world.employee, subject="外链", link="https://evil.example/")
    c = _client(world.employee)
    assert c.post(f"/inbox/{m.pk}/read/", {"open": "1"})["Location"] == "/inbox/"
    theirs = notify(user=world.other_employee, subject="x")
    assert c.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert c.get(f"/inbox/{m.pk}/read/").status_code == 405


def test_mark_all_read(world):
    notify(user=world.employee, subject="一")
    notify(user=world.employee, subject="二")
    c = _client(world.employee)
    assert c.post("/inbox/read-all/").status_code == 302
    assert "ml-message-unread" not in c.get("/inbox/").content.decode()
