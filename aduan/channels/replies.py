"""The words of every automatic reply on a channel (Indonesian, then English)."""

from django.utils.translation import gettext_lazy as _

RECEIPT = _("Report received. Tracking ID: %(id)s. PIN: %(pin)s (keep it secret). "
            "Reply to this message to add information; send CEK %(id)s for its status.")
RECEIPT_PUBLIC = _("Received. Tracking ID %(id)s. Details by direct message.")
ASK_WHERE = _("Thank you. Where is it? Send the place (street, village or kelurahan, "
              "city) or share your location.")
ASK_WHERE_AGAIN = _("We still could not tell the place. Send the kelurahan or district and "
                    "the city, or share your location. We will file your report with the "
                    "next message anyway.")
ASK_WHAT = _("Please describe the problem and where it is in one message.")
ADDED = _("Added to report %(id)s. Thank you.")
STATUS = _("Report %(id)s: %(status)s. Held by: %(holder)s. Next deadline: %(due)s.")
UNKNOWN_ID = _("No report %(typed)s was found for this number. Check the tracking ID; it has "
               "10 characters, like 7QMX2-P4FKA.")
MISSING_ID = _("Add the tracking ID after the command, for example: %(example)s")
MISSING_TEXT = _("Add your message after the tracking ID, for example: %(example)s")
HELP = _("Aduan: send your complaint and its place as a message. Commands: CEK <id> (status), "
         "INFO <id> <text> (add information), BALAS <id> <text> (reply to a follow-up), "
         "STOP (no more messages).")
STOPPED = _("You will get no more messages from Aduan on this number. Send any message to "
            "start again.")
RATE_LIMITED = _("Too many messages in a short time. Your messages are kept and will be read "
                 "in turn; please wait before sending more.")
UNREADABLE = _("We could not read your message. Send it again as plain text, please.")
REFUSED = _("Your message could not be added to report %(id)s: %(reason)s")
NOBODY = _("nobody yet (waiting for verification)")
NO_DUE = _("none")
