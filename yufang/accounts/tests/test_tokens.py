from django.urls import reverse

from yufang.accounts.models import ApiToken


def test_token_page_shows_key_once_and_only_own_tokens(client, world):
    client.force_login(world.users["agency"])
    response = client.post(reverse("accounts:tokens"), {"name": "报表系统", "days": 90})
    assert "yf_" in response.text
    token = ApiToken.objects.get(user=world.users["agency"])
    assert "yf_" not in client.get(reverse("accounts:tokens")).text
    client.force_login(world.owner)
    assert "报表系统" not in client.get(reverse("accounts:tokens")).text
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
