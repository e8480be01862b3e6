"""The choice of the study's sentences: one module per section, one function per part of a section.

A prose function takes the frames an analysis function returned and the edition's ``lang``, works out the facts a
part states (values, counts, flags, names in the edition's language from :mod:`vstudy.present.labels` and the
gazetteer) and picks the part's messages from the catalogues (:func:`vstudy.present.words.t`): it returns
:class:`vstudy.present.words.Rendered` Markdown (or a list of it, or None), which ``Study.say`` shows as it is. No
sentence is written here: the words, their grammar and number formats are the catalogues' and CLDR's
(:mod:`vstudy.i18n`). Nothing here computes a statistic: the numbers come from :mod:`vstudy.analysis`.
"""
