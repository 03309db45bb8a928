"""Time-based one-time passwords (TOTP) for staff: set-up with a QR code, confirmation, and switching off."""

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "portal"


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
    TOTPDevice.objects.filter(user=user).delete()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it for manual entry: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the otpauth:// URL, drawn on the server: no external service sees the secret."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")
