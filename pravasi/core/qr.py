"""QR codes drawn as SVG and inlined as a data: URI (no file, no request): enrolment keys, boarding passes."""

import base64
import io

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str, *, box_size: int = 8) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
