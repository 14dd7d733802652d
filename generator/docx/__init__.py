"""Word output: the forms as .docx files filled from docxtpl templates (`template.WordTemplate`)."""
