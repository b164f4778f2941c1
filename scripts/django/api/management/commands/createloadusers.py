"""createloadusers --count N [--prefix load] [--password load-password]

Creates (or resets) the users scripts/loadgen logs in as: load0 .. loadN-1, password
load-password, each hashed at PASSWORD_ITERATIONS with its own salt.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the users scripts/loadgen logs in as (load0 .. loadN-1)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20)
        parser.add_argument("--prefix", default="load")
        parser.add_argument("--password", default="load-password")

    def handle(self, *args, count, prefix, password, **options):
        User = get_user_model()
        for i in range(count):
            user, _ = User.objects.get_or_create(username=f"{prefix}{i}")
            user.set_password(password)
            user.save()
        self.stdout.write(f"{count} users {prefix}0 .. {prefix}{count - 1}")
