-- Second database for Rasa's tracker store (the claims store uses POSTGRES_DB=claims).
CREATE DATABASE tracker OWNER assistant;
