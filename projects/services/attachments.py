"""Files customers and experts attach to queries and tasks: one set of limits, one storage
(the default file storage under ``queries/`` and ``tasks/``), served only by scoped views."""

from django.core.exceptions import ValidationError

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


def files_check(files) -> None:
    """At most ``MAX_FILES`` files of ``MAX_FILE_SIZE`` each, per submission."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"Attach at most {MAX_FILES} files."})
    for upload in files:
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                {"files": f"“{upload.name}” is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB."}
            )
