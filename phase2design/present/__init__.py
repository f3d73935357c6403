"""Presentation, shared by the command line and the report.

* :mod:`.blocks`: the document model (Heading, Paragraph, Items,
  Preformatted, Table, Figure).
* :mod:`.render`: :func:`~.render.fmt` (the one number format), table
  renderers (text, Markdown, CSV, JSON) and document renderers (text as the
  command line prints it, Markdown and HTML as the report writes them).
* :mod:`.docx` and :mod:`.latex`: the report's Word and LaTeX renderers over the same blocks
  (python-docx is imported only when a .docx is written).
* :mod:`.tables`: every table of designs, operating characteristics and
  analyses, each built once.
* :mod:`.texts`: sentences both print (conventions, search inputs, notes).

Nothing here imports the rest of the library: builders read the attributes
of the result objects they are given.
"""
