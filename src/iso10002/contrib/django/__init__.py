"""The reusable Django app: models, migrations, an admin and :class:`~.store.DjangoStore`.

Add ``"iso10002.contrib.django"`` to ``INSTALLED_APPS`` (its label is ``iso10002``), run
``manage.py migrate iso10002`` and give a :class:`~iso10002.contrib.django.store.DjangoStore`
to a :class:`~iso10002.desk.ComplaintsDesk`. Needs the ``[django]`` extra.

This package imports nothing from Django itself, so Django can load it from
``INSTALLED_APPS`` before the app registry is ready; import the store from
``iso10002.contrib.django.store`` once Django is set up.
"""
