"""Identity: sign-in by password, second factor or single sign-on (django-allauth), and the
rules riskreg adds to it: who must use a second factor, what SSO may grant, the account page."""
