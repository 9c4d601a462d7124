"""The upload of a dataset (REPORT.md section 1): a ZIP of its CSV files or the files
themselves, checked before anything is written to disk."""

import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.history.exporter import FILES

# A centre's thirty years fit in a few megabytes; this keeps a mistaken upload harmless.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class DatasetUploadForm(forms.Form):
    """The dataset's files: one ZIP holding them (no folders inside), or the CSV files."""

    dataset = MultipleFileField(label=_("Dataset files"))
    dry_run = forms.BooleanField(
        label=_("Only check the files (dry run): store nothing"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[zipfile.ZipInfo] | None = None
        self.fields["dataset"].help_text = gettext(
            "A ZIP archive of the CSV files, or the CSV files themselves (select several). "
            "The files are named as in the dataset format: %(files)s."
        ) % {"files": ", ".join(FILES)}

    def clean_dataset(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data["dataset"]
        if sum(upload.size or 0 for upload in uploads) > MAX_UPLOAD_BYTES:
            raise ValidationError(_too_large())
        zips = [u for u in uploads if _name(u).lower().endswith(".zip")]
        if zips and len(uploads) > 1:
            raise ValidationError(_("Send one ZIP archive, or the CSV files without a ZIP."))
        if zips:
            self._entries = _zip_entries(zips[0])
        else:
            for upload in uploads:
                _check_name(_name(upload))
            names = [_name(u) for u in uploads]
            _check_unique(names)
        return uploads

    def write_to(self, directory: Path) -> list[str]:
        """Write the dataset's files into ``directory`` (only under their known names);
        returns the names written."""
        uploads: list[UploadedFile] = self.cleaned_data["dataset"]
        written: list[str] = []
        if self._entries is not None:
            budget = MAX_UPLOAD_BYTES
            try:
                with zipfile.ZipFile(uploads[0]) as archive:
                    for info in self._entries:
                        with archive.open(info) as source:
                            budget -= _copy(source, directory / info.filename, budget)
                        written.append(info.filename)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise ValidationError(_("The ZIP archive is damaged: it cannot be read.")) from exc
            return written
        for upload in uploads:
            name = _name(upload)
            with (directory / name).open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            written.append(name)
        return written


def _too_large() -> str:
    return gettext("The files are too large: at most %(limit)d MB in all.") % {
        "limit": MAX_UPLOAD_BYTES // 2**20
    }


def _name(upload: UploadedFile) -> str:
    return upload.name or ""


def _check_name(name: str) -> None:
    """A dataset file's name, and nothing else: no folder, no other file."""
    if "/" in name or "\\" in name or name not in FILES:
        raise ValidationError(
            _("%(name)s is not one of the dataset's files (%(files)s).")
            % {"name": name, "files": ", ".join(FILES)}
        )


def _check_unique(names: list[str]) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(
            _("Each file once, please: %(names)s given twice.") % {"names": ", ".join(repeated)}
        )


def _zip_entries(upload: UploadedFile) -> list[zipfile.ZipInfo]:
    """The archive's entries, checked: the dataset's CSV files at its top level only, not
    encrypted, not larger together than the upload limit."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(_("This is not a ZIP archive that can be read.")) from exc
    finally:
        upload.seek(0)
    if not entries:
        raise ValidationError(_("The ZIP archive is empty."))
    for info in entries:
        if info.is_dir() or "/" in info.filename or "\\" in info.filename:
            raise ValidationError(
                _(
                    "The ZIP archive holds a folder (%(name)s): put the CSV files themselves "
                    "in the archive, not a folder holding them."
                )
                % {"name": info.filename}
            )
        _check_name(info.filename)
        if info.flag_bits & 0x1:
            raise ValidationError(_("The ZIP archive is encrypted: send it without a password."))
    _check_unique([info.filename for info in entries])
    if sum(info.file_size for info in entries) > MAX_UPLOAD_BYTES:
        raise ValidationError(_too_large())
    return entries


def _copy(source: IO[bytes], path: Path, budget: int) -> int:
    """Copy an archive entry, stopping at the budget whatever its header claims; returns the
    bytes written."""
    written = 0
    with path.open("wb") as target:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > budget:
                raise ValidationError(_too_large())
            target.write(chunk)
    return written
