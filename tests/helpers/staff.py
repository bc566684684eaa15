"""Staff accounts in tests: the one password they all have, and signing in."""

PASSWORD = "correct horse battery staple"


def login(client, email, password=PASSWORD):
    return client.post("/staff/login", data={"email": email, "password": password})
