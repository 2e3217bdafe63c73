"""Keras Digit Lab: the logic behind the app, testable without Streamlit."""
