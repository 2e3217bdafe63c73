"""Plotly figures for the app, one module per page family; colours and margins in `style`.

- `style`: the palette, right and wrong, margins.
- `digits`: digits as the model sees them: probabilities, images, thumbnail grids.
- `evaluation`: the confusion matrix and accuracy per digit of a `lib.evaluation.Evaluation`
  (the same two charts on /train, /inside and /recognize).
- `training`: learning curves and runs overlaid (/train).
- `explore`: feature maps, activations, optimizer paths (/layers, /activations, /optimizers).
- `inspect`: explanations, feature-map grids and the 2-D map of test digits (/inside).
- `datasets`: image grids, splits and histograms (/datasets), model costs (/applications).

Every function is pure: it takes arrays and already-translated strings and returns a
`plotly.graph_objects.Figure`, so it is testable without Streamlit (and without Keras).
"""
