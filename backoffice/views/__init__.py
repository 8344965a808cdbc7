"""Back-office pages that are more than a list or a form.

Each module gives its routes with ``urls(site)``; the site mounts them in the
admin's chrome (``backoffice.site.BackOfficeSite.get_urls``), before the lists'
own routes. A view renders with ``backoffice.chrome.page_context`` so the page
carries the business's header, navigation and banners.
"""
