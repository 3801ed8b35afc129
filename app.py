"""Start the planqa web app: `python app.py` (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, PLANQA_DATA_DIR)."""

from planqa.web import main

if __name__ == "__main__":
    main()
