"""Texts shown to every user of the form and the API."""

INTENDED_USE = (
    "Educational use only. The model was trained on a small educational dataset of "
    "five drugs; it suggests, it does not prescribe. A clinician decides."
)
