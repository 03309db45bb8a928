"""Time-based one-time passwords (TOTP) for staff: set-up with a QR code, confirmation, backup codes and
switching off."""

import base64
import secrets

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "portal"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODES = 10


def totp_device_pending(user) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit and reused so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per account: any other device is dropped.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


def totp_disable(*, user) -> None:
    """Switch the second step off: the authenticator and the backup codes go."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def backup_codes_issue(*, user) -> list[str]:
    """Ten new single-use codes for signing in without the phone; earlier ones stop working.

    Eight digits each, written in two groups of four; the page that shows them is the only place they appear.
    """
    codes: set[str] = set()
    while len(codes) < BACKUP_CODES:
        codes.add(f"{secrets.randbelow(10**8):08d}")
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:4]} {code[4:]}" for code in sorted(codes)]


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it for manual entry: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the otpauth:// URL, drawn on the server: no external service sees the secret."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")
