"""Sign-in lockout counted per username (across addresses) and per address (across usernames)."""

from django.conf import settings
from django.test import Client

from conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, address: str):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_guess_each_against_many_users_from_one_address_locks_the_address(tenant):
    users = [u.username for u in tenant.users.values()]
    assert len(users) > settings.AXES_FAILURE_LIMIT
    statuses = [attempt(username, "wrong", "198.51.100.7").status_code
                for username in users[: settings.AXES_FAILURE_LIMIT]]
    # The guess that reaches the limit is answered by the lockout page already.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # The next user, with the right password, from the same address: refused.
    locked = attempt(users[settings.AXES_FAILURE_LIMIT], PASSWORD, "198.51.100.7")
    assert locked.status_code == 429 and 'id="locked"' in locked.content.decode()
    # The same user from another address signs in.
    assert attempt(users[settings.AXES_FAILURE_LIMIT], PASSWORD, "198.51.100.8").status_code == 302


def test_five_guesses_against_one_user_from_many_addresses_lock_the_user(tenant):
    username = tenant.users["district9"].username
    statuses = [attempt(username, "wrong", f"203.0.113.{n + 1}").status_code
                for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # The right password, from an address never seen: refused while the lock lasts.
    assert attempt(username, PASSWORD, "203.0.113.200").status_code == 429
    # Another user from that fresh address is not locked.
    assert attempt(tenant.users["district10"].username, PASSWORD, "203.0.113.200").status_code == 302


def test_the_lockout_page_is_persian_and_says_when_to_try_again(tenant):
    username = tenant.users["commerce"].username
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(username, "wrong", f"192.0.2.{n + 1}")
    locked = attempt(username, "wrong", "192.0.2.99")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert '<html lang="fa" dir="rtl">' in html
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    persian_minutes = str(minutes).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"{persian_minutes} دقیقه دیگر دوباره تلاش کنید" in html
    assert "از نشانی شما" in html


def test_behind_a_proxy_each_client_address_is_counted_apart(tenant, settings):
    settings.NINJA_NUM_PROXIES = 1
    users = [u.username for u in tenant.users.values()]

    def through_proxy(username: str, password: str, client: str):
        return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1",
                             HTTP_X_FORWARDED_FOR=client)

    statuses = [through_proxy(u, "wrong", "198.51.100.20").status_code
                for u in users[: settings.AXES_FAILURE_LIMIT]]
    assert statuses[-1] == 429
    # Another client behind the same proxy is not locked out by the first one's guesses.
    assert through_proxy(users[settings.AXES_FAILURE_LIMIT], PASSWORD, "198.51.100.21").status_code == 302
