FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DJANGO_SETTINGS_MODULE=softwaresupp.settings.local VAR_DIR=/app/var python manage.py collectstatic --noinput
ENV DJANGO_SETTINGS_MODULE=softwaresupp.settings.production
EXPOSE 8000
CMD ["gunicorn", "softwaresupp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
