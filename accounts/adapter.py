from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Clients join a business by invitation; open sign-up is a business setting (later)."""
        return False
